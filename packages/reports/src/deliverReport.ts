import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReportDefinition, ReportDelivery } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { retryDelay, signWebhook, type MailTransport } from '@linewatch/alerting';
import { formatPct } from './renderHtml.ts';
import type { ProducedReport } from './produceReport.ts';
import { saveReportRecord } from './reportStore.ts';

export interface DeliveryOptions {
  store: Store;
  produced: ProducedReport;
  definition: ReportDefinition;
  /** alerting's pooled SMTP transport (createMailTransport); without one, e-mail recipients fail. */
  transport?: MailTransport;
  from?: string;
  /** Base URL of the API, for download links in webhooks. */
  apiBaseUrl: string;
  /** Attempts per recipient (default 5), waiting base, doubling, capped (alerting's retryDelay). */
  maxAttempts?: number;
  backoff?: { base: number; cap: number };
  /** How to wait between attempts (tests pass a function that returns at once). */
  wait?: (ms: number) => Promise<void>;
  now: () => number;
  /** HTTP client (default the global fetch). */
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The plain-text body of a report e-mail: one line per flow. */
export function reportMailText(p: ProducedReport): string {
  const lines = p.report.flows.map(
    (f) =>
      `${f.name}: ${f.volume} transactions, ${formatPct(f.onTimeRatio)} on time (target ${formatPct(f.sloTarget)}), ${f.late} late, ${f.missing} missing, ${f.failed} failed`,
  );
  return `${p.report.title}\n\n${lines.join('\n')}\n\nThe report is attached.\n`;
}

/**
 * Sends a produced report to its definition's recipients: e-mail with the files attached (through
 * alerting's transport), signed webhooks with download links, and folders the files are copied to. Each recipient is retried with
 * capped backoff; every attempt is recorded on the report (a new version of its row).
 * @example await deliverReport({ store, produced, definition, transport, apiBaseUrl, now: Date.now })
 */
export async function deliverReport(o: DeliveryOptions): Promise<ReportDelivery[]> {
  const record = o.produced.record;
  const attempts: ReportDelivery[] = [];
  const max = o.maxAttempts ?? 5;
  const backoff = o.backoff ?? { base: 5_000, cap: 300_000 };
  const wait = o.wait ?? sleep;
  const doFetch = o.fetch ?? fetch;
  const attempt = async (channel: ReportDelivery['channel'], target: string, send: () => Promise<void>) => {
    for (let n = 1; n <= max; n++) {
      try {
        await send();
        attempts.push({
          channel,
          target,
          attempt: n,
          ok: true,
          at: new Date(o.now()).toISOString(),
          error: null,
        });
        return;
      } catch (e) {
        attempts.push({
          channel,
          target,
          attempt: n,
          ok: false,
          at: new Date(o.now()).toISOString(),
          error: (e as Error).message,
        });
        if (n < max) await wait(retryDelay(n, backoff));
      }
    }
  };
  const emails = o.definition.recipients.email;
  if (emails.length) {
    const attachments = record.files.map((f) => ({
      filename: f.name,
      content: readFileSync(join(o.produced.dir, f.name)),
      contentType: f.contentType,
    }));
    for (const to of emails) {
      const transport = o.transport;
      // Without a relay no retry can succeed: one failed attempt says why.
      if (!transport) {
        attempts.push({
          channel: 'email',
          target: to,
          attempt: 1,
          ok: false,
          at: new Date(o.now()).toISOString(),
          error: 'no SMTP relay configured (alerting.smtp)',
        });
        continue;
      }
      await attempt('email', to, async () => {
        await transport.sendMail({
          ...(o.from ? { from: o.from } : {}),
          to,
          subject: o.produced.report.title,
          text: reportMailText(o.produced),
          attachments,
        });
      });
    }
  }
  const base = o.apiBaseUrl.replace(/\/+$/, '');
  for (const hook of o.definition.recipients.webhooks) {
    const body = JSON.stringify({
      type: 'report.produced',
      report: record,
      links: record.files.map((f) => ({
        name: f.name,
        contentType: f.contentType,
        url: `${base}/api/v1/reports/${encodeURIComponent(record.id)}/files/${encodeURIComponent(f.name)}`,
      })),
    });
    await attempt('webhook', hook.url, async () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (hook.secret) headers['Linewatch-Signature'] = signWebhook(hook.secret, body, o.now() / 1000);
      const res = await doFetch(hook.url, { method: 'POST', headers, body });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    });
  }
  // A folder (a mounted share a document system picks files up from) gets <report id>/<week>/<file>;
  // each file is written beside its place and renamed into it, so a reader never sees half of one.
  for (const folder of o.definition.recipients.folders) {
    const target = join(folder, o.definition.id, record.week);
    await attempt('folder', target, async () => {
      await mkdir(target, { recursive: true });
      for (const f of record.files) {
        const partial = join(target, `.${f.name}.${process.pid}.partial`);
        await copyFile(join(o.produced.dir, f.name), partial);
        await rename(partial, join(target, f.name));
      }
    });
  }
  record.deliveries = [...record.deliveries, ...attempts];
  await saveReportRecord(o.store, record, o.now() + 1);
  return attempts;
}
