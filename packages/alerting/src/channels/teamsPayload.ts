import type { Tier } from '@linewatch/schema';
import type { NotificationMessage } from '../notify/notification.ts';
import { alertFacts, examplesOf, httpLink, kindLabel, subjectOf, truncate } from './notificationFacts.ts';

// Teams refuses a card above 28 KB; ten alerts with ten symptoms each stay well below.
const MAX_ALERTS = 10;
const MAX_SYMPTOMS = 10;

/** A Microsoft Teams incoming-webhook (Workflows) message carrying one Adaptive Card 1.4. */
export interface TeamsPayload {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
      type: 'AdaptiveCard';
      version: '1.4';
      body: Record<string, unknown>[];
      actions: { type: 'Action.OpenUrl'; title: string; url: string }[];
      msteams: { width: 'Full' };
    };
  }[];
}

/**
 * Neutralises the markdown Teams renders in TextBlocks that could turn outside text into a link
 * (`[text](url)`) or swallow characters; backslash escapes are honoured by its markdown renderer.
 */
export function escapeTeams(text: string): string {
  return text.replace(/[\\[\]*_`~]/g, (c) => `\\${c}`);
}

const color: Record<Tier, string> = { P1: 'Attention', P2: 'Warning', P3: 'Accent', P4: 'Default' };
const style: Record<Tier, string> = { P1: 'attention', P2: 'warning', P3: 'accent', P4: 'emphasis' };
const text = (value: string, extra: Record<string, unknown> = {}) => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});
const mdLink = (url: string, label: string) => {
  const href = httpLink(url);
  return href ? `[${escapeTeams(label)}](${href.replace(/[()\s]/g, encodeURIComponent)})` : escapeTeams(url);
};

/**
 * The Teams payload for a notification: an Adaptive Card with the tier and kind, each alert with its reason,
 * description, facts, example business keys and symptoms, and an Action.OpenUrl to the view.
 * @example
 * await fetch(url, { method: 'POST', body: JSON.stringify(teamsPayload(message)) });
 */
export function teamsPayload(message: NotificationMessage): TeamsPayload {
  const resolved = message.kind === 'resolved';
  const group = Object.entries(message.groupLabels).map(([k, v]) => `${k}=${v}`);
  const body: Record<string, unknown>[] = [
    {
      type: 'Container',
      style: resolved ? 'good' : style[message.tier],
      bleed: true,
      items: [
        text(escapeTeams(`${message.tier} · ${kindLabel(message)}`), {
          weight: 'Bolder',
          color: resolved ? 'Good' : color[message.tier],
        }),
        text(escapeTeams(truncate(subjectOf(message), 400)), { size: 'Large', weight: 'Bolder' }),
        ...(group.length ? [text(escapeTeams(group.join(' · ')), { isSubtle: true, spacing: 'None' })] : []),
      ],
    },
  ];
  for (const alert of message.alerts.slice(0, MAX_ALERTS)) {
    const examples = examplesOf(alert);
    const items: Record<string, unknown>[] = [
      text(
        `**[${alert.tier}] ${escapeTeams(alert.summary)}**${alert.state === 'resolved' ? ' (resolved)' : ''}`,
        {
          color: alert.state === 'resolved' ? 'Good' : color[alert.tier],
        },
      ),
      text(escapeTeams(alert.tierReason), { isSubtle: true, spacing: 'None' }),
      ...(alert.description ? [text(escapeTeams(truncate(alert.description, 2000)))] : []),
      {
        type: 'FactSet',
        facts: [
          ...alertFacts(alert).map(([title, value]) => ({ title, value: escapeTeams(value) })),
          ...(examples.length ? [{ title: 'Examples', value: escapeTeams(examples.join(', ')) }] : []),
        ],
      },
    ];
    if (alert.symptoms.length) {
      items.push(text(`**Symptoms (${alert.symptoms.length})**`, { spacing: 'Small' }));
      for (const s of alert.symptoms.slice(0, MAX_SYMPTOMS)) {
        const where = [s.plant, s.flow].filter(Boolean).join(' · ');
        items.push(
          text(`- [${s.tier}] ${mdLink(s.link, s.summary)}${where ? ` (${escapeTeams(where)})` : ''}`, {
            spacing: 'None',
          }),
        );
      }
      const more = alert.symptoms.length - MAX_SYMPTOMS;
      if (more > 0) items.push(text(`… and ${more} more`, { spacing: 'None', isSubtle: true }));
    }
    items.push(text(mdLink(alert.link, 'View the transactions'), { spacing: 'Small' }));
    body.push({ type: 'Container', separator: true, spacing: 'Medium', items });
  }
  const hidden = message.alerts.length - MAX_ALERTS;
  if (hidden > 0) body.push(text(`… and ${hidden} more alerts in Linewatch`, { isSubtle: true }));
  const href = httpLink(message.link);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: href ? [{ type: 'Action.OpenUrl', title: 'Open in Linewatch', url: href }] : [],
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}
