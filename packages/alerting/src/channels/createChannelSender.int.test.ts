import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SmtpConfig } from '@linewatch/schema';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChannelSender, httpOutcome, parseRetryAfter } from './createChannelSender.ts';
import { startSmtpServer } from './testing/startSmtpServer.ts';
import { makeNotification } from './testing/makeNotification.ts';
import { verifyWebhookSignature } from './verifyWebhookSignature.ts';

const NOW = Date.UTC(2026, 11, 7, 6, 40);
const SECRETS: Record<string, string> = {
  HOOK_SECRET: 'whsec-7f3a9c',
  SMTP_PW: 'smtp-pw-91x',
  SLACK_URL: '',
};

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let base: string;
const hits: Hit[] = [];
let answer: { status: number; headers?: Record<string, string> } = { status: 200 };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(answer.status, answer.headers ?? {}).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  SECRETS.SLACK_URL = `${base}/services/T000/B000/xoxsecretpath`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  hits.length = 0;
  answer = { status: 200 };
});

const sender = (smtp?: SmtpConfig) =>
  createChannelSender({ smtp, secret: (n) => SECRETS[n], timeoutMs: 2_000, now: () => NOW });

describe('channel sender', () => {
  it('signs the generic webhook so a receiver can verify it, and names the notification for deduplication', async () => {
    const message = makeNotification();
    const out = await sender().send(
      { type: 'webhook', url: `${base}/hook`, secretEnv: 'HOOK_SECRET' },
      message,
    );
    expect(out).toEqual({ ok: true, detail: 'HTTP 200' });
    const [hit] = hits;
    expect(hit?.headers['linewatch-notification-id']).toBe(message.id);
    expect(hit?.headers['content-type']).toBe('application/json');
    const signature = hit?.headers['linewatch-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec-7f3a9c', signature, hit?.body ?? '', NOW / 1000)).toBe(true);
    expect(verifyWebhookSignature('other', signature, hit?.body ?? '', NOW / 1000)).toBe(false);
    const body = JSON.parse(hit?.body ?? '{}') as { version: string; alerts: { symptoms: unknown[] }[] };
    expect(body.version).toBe('linewatch/v1');
    expect(body.alerts[0]?.symptoms).toHaveLength(1);
  });

  it('posts Slack blocks and a Teams Adaptive Card, the Slack URL read from the environment', async () => {
    const message = makeNotification();
    expect((await sender().send({ type: 'slack', urlEnv: 'SLACK_URL' }, message)).ok).toBe(true);
    expect((await sender().send({ type: 'teams', url: `${base}/teams` }, message)).ok).toBe(true);
    const [slack, teams] = hits;
    expect(slack?.path).toBe('/services/T000/B000/xoxsecretpath');
    const s = JSON.parse(slack?.body ?? '{}') as { text: string; blocks: { type: string }[] };
    expect(s.text).toContain('MES silent at P02');
    expect(s.blocks[0]?.type).toBe('header');
    const t = JSON.parse(teams?.body ?? '{}') as {
      type: string;
      attachments: { contentType: string; content: { type: string; version: string } }[];
    };
    expect(t.type).toBe('message');
    expect(t.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(t.attachments[0]?.content.type).toBe('AdaptiveCard');
  });

  it('says which failures are worth retrying and never puts the URL in the error', async () => {
    answer = { status: 503, headers: { 'retry-after': '30' } };
    const busy = await sender().send({ type: 'slack', urlEnv: 'SLACK_URL' }, makeNotification());
    expect(busy).toEqual({ ok: false, retryable: true, error: 'HTTP 503', retryAfterMs: 30_000 });
    answer = { status: 404 };
    expect(await sender().send({ type: 'slack', urlEnv: 'SLACK_URL' }, makeNotification())).toEqual({
      ok: false,
      retryable: false,
      error: 'HTTP 404',
    });
    // A port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await sender().send(
      { type: 'webhook', url: `http://127.0.0.1:${port}/hook?token=abc` },
      makeNotification(),
    );
    expect(refused).toEqual({ ok: false, retryable: true, error: 'network error: ECONNREFUSED' });
    const unset = await sender().send({ type: 'teams', urlEnv: 'TEAMS_URL_UNSET' }, makeNotification());
    expect(unset).toEqual({
      ok: false,
      retryable: false,
      error: 'teams channel: the variable TEAMS_URL_UNSET (urlEnv) is not set',
    });
    for (const o of [busy, refused, unset]) expect(JSON.stringify(o)).not.toMatch(/xoxsecretpath|token=abc/);
  });

  it('sends HTML and plain text over SMTP with AUTH, and tells a full mailbox from an unknown one', async () => {
    const smtp = await startSmtpServer({ auth: { user: 'linewatch', pass: 'smtp-pw-91x' } });
    const config: SmtpConfig = {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      requireTLS: false,
      user: 'linewatch',
      passwordEnv: 'SMTP_PW',
      from: 'Linewatch <linewatch@plant.example>',
    };
    const s = sender(config);
    try {
      const message = makeNotification();
      const out = await s.send({ type: 'email', to: ['manager.p02@plant.example'] }, message);
      expect(out).toEqual({ ok: true, detail: 'SMTP accepted for 1 recipient(s)' });
      const [got] = smtp.received;
      expect(got?.to).toEqual(['manager.p02@plant.example']);
      expect(got?.mail.subject).toContain('MES silent at P02');
      expect(got?.mail.text).toContain('PO-4711-0001');
      expect(got?.mail.html).toContain('Production confirmations missing at P02');
      expect(got?.mail.headers.get('linewatch-notification-id')).toBe(message.id);
    } finally {
      s.close();
      await smtp.close();
    }
    for (const [code, retryable] of [
      [451, true],
      [550, false],
    ] as const) {
      const rejecting = await startSmtpServer({ rejectRecipients: { code, message: 'mailbox says no' } });
      const r = sender({ ...config, port: rejecting.port, user: undefined });
      try {
        expect(await r.send({ type: 'email', to: ['x@plant.example'] }, makeNotification())).toEqual({
          ok: false,
          retryable,
          error: `SMTP ${code} on RCPT`,
        });
      } finally {
        r.close();
        await rejecting.close();
      }
    }
    expect(await sender().send({ type: 'email', to: ['x@plant.example'] }, makeNotification())).toEqual({
      ok: false,
      retryable: false,
      error: 'an e-mail channel needs alerting.smtp in linewatch.yaml',
    });
  });

  it('reads Retry-After as seconds or a date and classifies statuses', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(new Date(NOW + 5_000).toUTCString(), NOW)).toBe(5_000);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(httpOutcome(202, null, NOW)).toEqual({ ok: true, detail: 'HTTP 202' });
    expect(httpOutcome(429, null, NOW)).toMatchObject({ ok: false, retryable: true });
    expect(httpOutcome(400, '10', NOW)).toEqual({ ok: false, retryable: false, error: 'HTTP 400' });
  });
});
