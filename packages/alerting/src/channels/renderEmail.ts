import type { NotificationMessage, NotifiedAlert } from '../notify/notification.ts';
import { alertFacts, examplesOf, httpLink, kindLabel, subjectOf, tierColor } from './notificationFacts.ts';
import type { Tier } from '@linewatch/schema';

/** A rendered alert e-mail. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

// Inline styles only: Gmail and Outlook drop or rewrite <style> blocks in places. Layout tables, not
// flexbox, for the same clients.
const FONT = "-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MUTED = '#4b5563';
const BORDER = '#e5e7eb';
const MAX_SYMPTOMS = 20;

/**
 * The e-mail for a notification: subject, plain text and one self-contained HTML document carrying the same
 * content; everything that comes from outside (keys, labels, annotations) is HTML-escaped.
 * @example
 * const { subject, text, html } = renderEmail(message);
 */
export function renderEmail(message: NotificationMessage): RenderedEmail {
  const subject = subjectOf(message);
  return { subject, text: renderText(message, subject), html: renderHtml(message, subject) };
}

/** `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function badge(label: string, color: string, size: 'big' | 'small'): string {
  const pad = size === 'big' ? '3px 10px' : '1px 6px';
  const fontSize = size === 'big' ? '14px' : '12px';
  return `<span style="display:inline-block;padding:${pad};border-radius:4px;background:${color};color:#ffffff;font-weight:700;font-size:${fontSize};font-family:${FONT};">${escapeHtml(label)}</span>`;
}

function tierBadge(tier: Tier, state: NotifiedAlert['state'], size: 'big' | 'small'): string {
  return badge(
    state === 'resolved' ? `${tier} resolved` : tier,
    tierColor[state === 'resolved' ? 'resolved' : tier],
    size,
  );
}

function link(url: string, label: string, style = 'color:#1d4ed8;'): string {
  const href = httpLink(url);
  return href ? `<a href="${escapeHtml(href)}" style="${style}">${escapeHtml(label)}</a>` : escapeHtml(url);
}

function paragraphs(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

function groupLine(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' · ');
}

function alertHtml(alert: NotificationMessage['alerts'][number]): string {
  const facts = alertFacts(alert)
    .map(
      ([label, value]) =>
        `<tr><td style="padding:2px 12px 2px 0;color:${MUTED};font-size:13px;white-space:nowrap;vertical-align:top;">${escapeHtml(label)}</td><td style="padding:2px 0;font-size:13px;">${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  const examples = examplesOf(alert);
  const examplesRow = examples.length
    ? `<tr><td style="padding:2px 12px 2px 0;color:${MUTED};font-size:13px;white-space:nowrap;vertical-align:top;">Examples</td><td style="padding:2px 0;font-size:13px;">${examples
        .map(
          (k) =>
            `<code style="font-family:Consolas,Menlo,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px;">${escapeHtml(k)}</code>`,
        )
        .join(' ')}</td></tr>`
    : '';
  const shown = alert.symptoms.slice(0, MAX_SYMPTOMS);
  const more = alert.symptoms.length - shown.length;
  const symptoms = alert.symptoms.length
    ? `<p style="margin:12px 0 4px;font-size:13px;font-weight:700;">Symptoms (${alert.symptoms.length})</p><ul style="margin:0;padding-left:20px;font-size:13px;">${shown
        .map(
          (s) =>
            `<li style="margin:2px 0;">${tierBadge(s.tier, s.state, 'small')} ${escapeHtml(s.summary)}${
              s.plant || s.flow
                ? ` <span style="color:${MUTED};">(${escapeHtml([s.plant, s.flow].filter(Boolean).join(' · '))})</span>`
                : ''
            } ${link(s.link, 'view')}${
              examplesOf(s).length
                ? `<br><span style="color:${MUTED};">e.g. ${examplesOf(s).map(escapeHtml).join(', ')}</span>`
                : ''
            }</li>`,
        )
        .join('')}${more > 0 ? `<li style="margin:2px 0;color:${MUTED};">and ${more} more</li>` : ''}</ul>`
    : '';
  return `<tr><td style="padding:16px 24px;border-bottom:1px solid ${BORDER};">
<p style="margin:0 0 4px;font-size:16px;">${tierBadge(alert.tier, alert.state, 'small')} <strong>${escapeHtml(alert.summary)}</strong></p>
<p style="margin:0 0 8px;color:${MUTED};font-size:13px;">${escapeHtml(alert.tier)}: ${escapeHtml(alert.tierReason)}</p>
${alert.description ? `<p style="margin:0 0 8px;font-size:14px;">${paragraphs(alert.description)}</p>` : ''}
<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;">${facts}${examplesRow}</table>
${symptoms}
<p style="margin:12px 0 0;font-size:13px;">${link(alert.link, 'View the transactions in Linewatch')}</p>
</td></tr>`;
}

function renderHtml(message: NotificationMessage, subject: string): string {
  const resolved = message.kind === 'resolved';
  const group = groupLine(message.groupLabels);
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;font-family:${FONT};color:#111827;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;background:#ffffff;border:1px solid ${BORDER};border-radius:6px;border-collapse:separate;text-align:left;">
<tr><td style="padding:20px 24px;border-bottom:1px solid ${BORDER};">
<p style="margin:0 0 8px;">${badge(resolved ? `${message.tier} resolved` : message.tier, tierColor[resolved ? 'resolved' : message.tier], 'big')} <span style="color:${MUTED};font-size:14px;">${escapeHtml(kindLabel(message))}</span></p>
<h1 style="margin:0;font-size:20px;line-height:1.3;">${escapeHtml(message.title)}</h1>
${group ? `<p style="margin:6px 0 0;color:${MUTED};font-size:13px;">${escapeHtml(group)}</p>` : ''}
</td></tr>
${message.alerts.map(alertHtml).join('\n')}
<tr><td style="padding:16px 24px;">${link(message.link, 'Open these alerts in Linewatch', 'display:inline-block;padding:8px 16px;background:#1d4ed8;color:#ffffff;border-radius:4px;text-decoration:none;font-weight:700;font-size:14px;')}</td></tr>
<tr><td style="padding:12px 24px;border-top:1px solid ${BORDER};color:${MUTED};font-size:12px;">Sent by Linewatch to ${escapeHtml(message.contact.name)} · notification ${escapeHtml(message.id)}</td></tr>
</table></td></tr></table>
</body>
</html>
`;
}

function renderText(message: NotificationMessage, subject: string): string {
  const lines: string[] = [subject];
  const group = groupLine(message.groupLabels);
  if (group) lines.push(group);
  lines.push(`${message.tier} · ${kindLabel(message)}`, '');
  for (const alert of message.alerts) {
    lines.push(`== [${alert.tier}] ${alert.summary}${alert.state === 'resolved' ? ' (resolved)' : ''} ==`);
    lines.push(`${alert.tier}: ${alert.tierReason}`);
    if (alert.description) lines.push(alert.description);
    for (const [label, value] of alertFacts(alert)) lines.push(`${label}: ${value}`);
    const examples = examplesOf(alert);
    if (examples.length) lines.push(`Examples: ${examples.join(', ')}`);
    if (alert.symptoms.length) {
      lines.push(`Symptoms (${alert.symptoms.length}):`);
      for (const s of alert.symptoms.slice(0, MAX_SYMPTOMS)) {
        const where = [s.plant, s.flow].filter(Boolean).join(' · ');
        lines.push(`  - [${s.tier}] ${s.summary}${where ? ` (${where})` : ''} ${s.link}`);
        const keys = examplesOf(s);
        if (keys.length) lines.push(`    e.g. ${keys.join(', ')}`);
      }
      if (alert.symptoms.length > MAX_SYMPTOMS)
        lines.push(`  - and ${alert.symptoms.length - MAX_SYMPTOMS} more`);
    }
    lines.push(`View the transactions: ${alert.link}`, '');
  }
  lines.push(`Open these alerts in Linewatch: ${message.link}`, '', '--');
  lines.push(`Sent by Linewatch to ${message.contact.name} · notification ${message.id}`);
  return `${lines.join('\n')}\n`;
}
