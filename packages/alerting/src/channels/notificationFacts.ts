import type { Tier } from '@linewatch/schema';
import type { NotificationMessage, NotifiedAlert } from '../notify/notification.ts';

// What every channel says the same way: the kind line, an alert's facts, tier colours.

/** Why the notification is sent, as a short phrase: `Firing`, `Resolved`, `Escalation step 2 (unacknowledged 15m)`. */
export function kindLabel(message: NotificationMessage): string {
  switch (message.kind) {
    case 'firing':
      return 'Firing';
    case 'resolved':
      return 'Resolved';
    case 'repeat':
      return 'Still firing';
    case 'escalation':
      return message.escalation
        ? `Escalation step ${message.escalation.step} (unacknowledged ${formatDuration(message.escalation.afterMs)})`
        : 'Escalation';
  }
}

/** The subject line: the title, prefixed with the kind unless it is a first firing or the title already says it. */
export function subjectOf(message: NotificationMessage): string {
  const title = message.title.replace(/\s+/g, ' ').trim();
  if (message.kind === 'firing' || (message.kind === 'resolved' && title.startsWith('[Resolved]')))
    return title;
  return `${kindLabel(message)}: ${title}`;
}

/** `1h30m`, `15m`, `45s`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', rest || s === 0 ? `${rest}s` : ''].join('');
}

/** An RFC 3339 time as `2026-12-07 06:35 UTC` (the raw text when it does not parse). */
export function formatTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The labelled facts of an alert, in display order, only those it has. */
export function alertFacts(alert: NotifiedAlert): [label: string, value: string][] {
  const facts: [string, string][] = [];
  if (alert.plant !== null) facts.push(['Plant', alert.plant]);
  if (alert.flow !== null) facts.push(['Flow', alert.flow]);
  if (alert.node !== null) facts.push(['Node', alert.node]);
  if (alert.value !== null) facts.push(['Value', formatValue(alert.value)]);
  facts.push(['State', alert.state]);
  facts.push(['Since', formatTime(alert.firedAt ?? alert.startsAt)]);
  if (alert.endsAt !== null) facts.push(['Ended', formatTime(alert.endsAt)]);
  return facts;
}

/** Up to 5 example business keys (the contract says up to 5; a longer list is cut, not trusted). */
export function examplesOf(alert: NotifiedAlert): string[] {
  return alert.examples.slice(0, 5);
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** Badge colours (white text on these passes WCAG AA); resolved is green whatever the tier. */
export const tierColor: Record<Tier | 'resolved', string> = {
  P1: '#b91c1c',
  P2: '#c2410c',
  P3: '#a16207',
  P4: '#475569',
  resolved: '#15803d',
};

/** The URL when it is http(s), otherwise undefined: a link is never rendered with another scheme. */
export function httpLink(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
