import type { NotificationMessage } from '../notify/notification.ts';
import { alertFacts, examplesOf, httpLink, kindLabel, subjectOf, truncate } from './notificationFacts.ts';

// Slack limits (api.slack.com/reference/block-kit): 50 blocks a message, header text 150 characters,
// section text 3000, 10 fields of 2000 each, button URL 3000.
const MAX_ALERTS = 10;
const MAX_SYMPTOMS = 10;

/** A Slack incoming-webhook payload: `text` is the notification fallback, `blocks` the message. */
export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

/** `&`, `<` and `>` as Slack's mrkdwn requires (the only three it decodes); stops `<!channel>` and fake links. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackLink(url: string, label: string): string {
  const href = httpLink(url);
  // In <url|label> a `|` or `>` of the URL would end it early; percent-encoded they mean the same.
  return href ? `<${href.replace(/[|<>]/g, encodeURIComponent)}|${escapeSlack(label)}>` : escapeSlack(url);
}

const code = (text: string) => `\`${escapeSlack(text.replace(/`/g, "'"))}\``;
const mrkdwn = (text: string, max = 3000) => ({ type: 'mrkdwn', text: truncate(text, max) });

/**
 * The Slack incoming-webhook payload for a notification: Block Kit header, one section with fields and a
 * context per alert, its symptoms, and a button to the view; external text escaped for mrkdwn.
 * @example
 * await fetch(url, { method: 'POST', body: JSON.stringify(slackPayload(message)) });
 */
export function slackPayload(message: NotificationMessage): SlackPayload {
  const blocks: Record<string, unknown>[] = [
    // plain_text is shown as given (Slack parses no markup there), so it is not escaped.
    { type: 'header', text: { type: 'plain_text', text: truncate(subjectOf(message), 150), emoji: false } },
  ];
  const group = Object.entries(message.groupLabels).map(([k, v]) => `${k}=${v}`);
  blocks.push({
    type: 'context',
    elements: [mrkdwn(escapeSlack([`*${message.tier}*`, kindLabel(message), ...group].join(' · ')))],
  });
  for (const alert of message.alerts.slice(0, MAX_ALERTS)) {
    blocks.push({ type: 'divider' });
    const head = `*[${alert.tier}] ${escapeSlack(alert.summary)}*${alert.state === 'resolved' ? ' (resolved)' : ''}`;
    blocks.push({
      type: 'section',
      text: mrkdwn(
        [head, `_${escapeSlack(alert.tierReason)}_`, escapeSlack(alert.description)]
          .filter(Boolean)
          .join('\n'),
      ),
      fields: alertFacts(alert)
        .slice(0, 10)
        .map(([label, value]) => mrkdwn(`*${label}*\n${escapeSlack(value)}`, 2000)),
    });
    const examples = examplesOf(alert);
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          [
            examples.length ? `Examples: ${examples.map(code).join(' ')}` : '',
            slackLink(alert.link, 'View the transactions'),
          ]
            .filter(Boolean)
            .join(' · '),
        ),
      ],
    });
    if (alert.symptoms.length) {
      const shown = alert.symptoms.slice(0, MAX_SYMPTOMS).map((s) => {
        const where = [s.plant, s.flow].filter(Boolean).join(' · ');
        return `• [${s.tier}] ${slackLink(s.link, s.summary)}${where ? ` (${escapeSlack(where)})` : ''}`;
      });
      const more = alert.symptoms.length - shown.length;
      blocks.push({
        type: 'section',
        text: mrkdwn(
          [
            `*Symptoms (${alert.symptoms.length})*`,
            ...shown,
            ...(more > 0 ? [`… and ${more} more`] : []),
          ].join('\n'),
        ),
      });
    }
  }
  const hidden = message.alerts.length - MAX_ALERTS;
  if (hidden > 0)
    blocks.push({ type: 'context', elements: [mrkdwn(`… and ${hidden} more alerts in Linewatch`)] });
  const href = httpLink(message.link);
  if (href)
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in Linewatch' },
          url: truncate(href, 3000),
          ...(message.tier === 'P1' && message.kind !== 'resolved'
            ? { style: 'danger' }
            : { style: 'primary' }),
        },
      ],
    });
  const fallback = [subjectOf(message), ...message.alerts.map((a) => `[${a.tier}] ${a.summary}`)].join('\n');
  return { text: truncate(escapeSlack(fallback), 3000), blocks };
}
