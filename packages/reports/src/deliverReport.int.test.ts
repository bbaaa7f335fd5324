import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTransport, verifyWebhookSignature } from '@linewatch/alerting';
import { ReportDefinitionSchema, SmtpConfigSchema, type ReportDefinition } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
// alerting's test SMTP server (smtp-server on 127.0.0.1): a test helper the package does not export.
import { startSmtpServer } from '../../alerting/src/channels/testing/startSmtpServer.ts';
import { deliverReport } from './deliverReport.ts';
import { produceReport } from './produceReport.ts';
import { getReport } from './reportStore.ts';
import { repoFlows } from './testing/seedWeeks.ts';

// Delivery through a real SMTP server (attachments byte for byte) and a real HTTP endpoint that
// fails twice before it accepts (retries with capped backoff, every attempt recorded).

const SECRET = 'a-webhook-secret-of-some-length';
const NOW = Date.parse('2026-11-23T05:00:00Z');
let store: TestStore;
let dir: string;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let http: Server;
let hookUrl: string;
const hooks: { body: string; signature: string | undefined }[] = [];
let failuresLeft = 2;

beforeAll(async () => {
  store = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'report-delivery-'));
  smtp = await startSmtpServer();
  http = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ body, signature: req.headers['linewatch-signature'] as string | undefined });
      res.statusCode = failuresLeft-- > 0 ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await smtp.close();
  await new Promise((r) => http.close(r));
  await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** The scheduled P01-time report of 2026-W47 for a definition. */
const produceScheduled = (definition: ReportDefinition) =>
  produceReport({
    store,
    dir,
    definition,
    flows: repoFlows(),
    week: '2026-W47',
    timeZone: 'Europe/Paris',
    uiBaseUrl: 'http://ui',
    now: NOW,
    trigger: 'schedule',
    scheduledFor: NOW,
  });

describe('report delivery', () => {
  it('mails the files attached and posts a signed webhook, retrying with capped backoff', async () => {
    const definition = ReportDefinitionSchema.parse({
      apiVersion: 'linewatch/v1',
      kind: 'Report',
      id: 'p01-weekly',
      name: 'P01 weekly',
      scope: { plant: 'P01' },
      formats: ['csv', 'html'],
      recipients: { email: ['manager@plant.example'], webhooks: [{ url: hookUrl, secret: SECRET }] },
    });
    const produced = await produceScheduled(definition);
    const smtpConfig = SmtpConfigSchema.parse({
      host: '127.0.0.1',
      port: smtp.port,
      from: 'Linewatch <lw@plant.example>',
    });
    const transport = createMailTransport(smtpConfig, () => undefined);
    const waits: number[] = [];
    let clock = NOW;
    try {
      const attempts = await deliverReport({
        store,
        produced,
        definition,
        transport,
        from: smtpConfig.from,
        apiBaseUrl: 'http://lw.example',
        backoff: { base: 5_000, cap: 8_000 },
        wait: (ms) => {
          waits.push(ms);
          clock += ms;
          return Promise.resolve();
        },
        now: () => clock,
      });
      expect(attempts.map((a) => [a.channel, a.attempt, a.ok])).toEqual([
        ['email', 1, true],
        ['webhook', 1, false],
        ['webhook', 2, false],
        ['webhook', 3, true],
      ]);
      expect(attempts[1]?.error).toBe('HTTP 503');
      // 5 s, then doubled but capped at 8 s.
      expect(waits).toEqual([5_000, 8_000]);
    } finally {
      transport.close();
    }

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['manager@plant.example']);
    expect(mail.mail.subject).toBe('P01 weekly, 2026-W47');
    expect(mail.mail.attachments.map((a) => a.filename)).toEqual(produced.record.files.map((f) => f.name));
    for (const a of mail.mail.attachments)
      expect(a.content.equals(readFileSync(join(produced.dir, a.filename!)))).toBe(true);

    const last = hooks[hooks.length - 1]!;
    expect(hooks).toHaveLength(3);
    expect(verifyWebhookSignature(SECRET, last.signature, last.body, clock / 1000)).toBe(true);
    const payload = JSON.parse(last.body) as { type: string; links: { url: string }[] };
    expect(payload.type).toBe('report.produced');
    expect(payload.links[0]?.url).toBe(
      `http://lw.example/api/v1/reports/${produced.record.id}/files/${produced.record.files[0]!.name}`,
    );

    const stored = await getReport(store, produced.record.id, []);
    expect(stored?.deliveries.map((d) => d.ok)).toEqual([true, false, false, true]);
  });

  it('copies the files into each folder as <report id>/<week>/, retrying a folder it cannot write', async () => {
    const share = mkdtempSync(join(tmpdir(), 'report-share-'));
    // A plain file where the report's directory should go: the first attempts fail until it is gone.
    const blocked = join(share, 'blocked');
    writeFileSync(blocked, 'not a directory');
    const definition = ReportDefinitionSchema.parse({
      apiVersion: 'linewatch/v1',
      kind: 'Report',
      id: 'p01-weekly',
      name: 'P01 weekly',
      scope: { plant: 'P01' },
      formats: ['csv', 'html'],
      recipients: { folders: [join(share, 'ok'), blocked] },
    });
    const produced = await produceScheduled(definition);
    let waited = 0;
    const attempts = await deliverReport({
      store,
      produced,
      definition,
      apiBaseUrl: 'http://lw.example',
      maxAttempts: 3,
      wait: () => {
        // The operator clears the way after the first failure.
        if (++waited === 1) rmSync(blocked, { force: true });
        return Promise.resolve();
      },
      now: () => NOW,
    });
    expect(attempts.map((a) => [a.channel, a.target, a.attempt, a.ok])).toEqual([
      ['folder', join(share, 'ok', 'p01-weekly', '2026-W47'), 1, true],
      ['folder', join(blocked, 'p01-weekly', '2026-W47'), 1, false],
      ['folder', join(blocked, 'p01-weekly', '2026-W47'), 2, true],
    ]);
    expect(attempts[1]?.error).toMatch(/ENOTDIR|EEXIST/);
    for (const folder of [join(share, 'ok'), blocked]) {
      const placed = join(folder, 'p01-weekly', '2026-W47');
      expect(readdirSync(placed).sort()).toEqual(produced.record.files.map((f) => f.name).sort());
      for (const f of produced.record.files)
        expect(readFileSync(join(placed, f.name)).equals(readFileSync(join(produced.dir, f.name)))).toBe(
          true,
        );
    }
    const stored = await getReport(store, produced.record.id, []);
    expect(stored?.deliveries.map((d) => [d.channel, d.ok])).toEqual([
      ['folder', true],
      ['folder', false],
      ['folder', true],
    ]);
  });

  it('records one failed e-mail attempt when no relay is configured, without retrying or throwing', async () => {
    const definition = ReportDefinitionSchema.parse({
      apiVersion: 'linewatch/v1',
      kind: 'Report',
      id: 'all',
      name: 'All',
      formats: ['html'],
      recipients: { email: ['x@plant.example'] },
    });
    const produced = await produceReport({
      store,
      dir,
      definition,
      flows: repoFlows(),
      week: '2026-W47',
      timeZone: 'UTC',
      uiBaseUrl: 'http://ui',
      now: NOW,
      trigger: 'manual',
    });
    const attempts = await deliverReport({
      store,
      produced,
      definition,
      apiBaseUrl: 'http://lw',
      maxAttempts: 2,
      wait: () => Promise.resolve(),
      now: () => NOW,
    });
    expect(attempts.map((a) => [a.ok, a.error])).toEqual([
      [false, 'no SMTP relay configured (alerting.smtp)'],
    ]);
  });
});
