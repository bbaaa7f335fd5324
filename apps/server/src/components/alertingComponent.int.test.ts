import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '@linewatch/alerting';
import { AlertDetailSchema, AlertListSchema, LinewatchConfigSchema, type Alert } from '@linewatch/schema';
import { sql } from '@linewatch/store';
import { startSmtpServer } from '../../../../packages/alerting/src/channels/testing/startSmtpServer.ts';
import { startLinewatch, type RunningLinewatch } from '../runtime.ts';
import { alertingComponent } from './alertingComponent.ts';

// The whole alerting path inside `linewatch start` (api + worker roles), on a clock the test moves:
// the MES of P02 goes quiet while production confirmations go missing there. Its plant manager gets
// one P1 e-mail that names the cause and lists the confirmations as its symptom (through a real SMTP
// server), the support team one signed webhook; P01's alerts under a silence reach nobody; after a
// restart nothing is sent twice, and the recovery sends one resolve notification.

const root = join(import.meta.dirname, '..', '..', '..', '..');
const MIN = 60_000;
// Wednesday 9 December 2026, 10:00 UTC.
const T0 = Date.UTC(2026, 11, 9, 10, 0);
const HOOK_SECRET = 'whsec-e2e-4f1b';
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const clock = { now: T0 };
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let hook: Server;
const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
let rulesDir: string;
const database = `test_${randomBytes(6).toString('hex')}`;
let lw: RunningLinewatch | undefined;

function routesYaml(hookUrl: string): string {
  return `apiVersion: linewatch/v1
kind: AlertRoutes
contacts:
  - id: support
    name: Support team
    channels: [{ type: webhook, url: '${hookUrl}', secretEnv: TEST_HOOK_SECRET }]
  - id: manager_p01
    name: Plant manager P01
    channels: [{ type: email, to: [manager.p01@plant.example] }]
  - id: manager_p02
    name: Plant manager P02
    channels: [{ type: email, to: [manager.p02@plant.example] }]
route:
  routes:
    - { contacts: [support], continue: true }
    - matchers: [{ label: plant, op: '=', value: P01 }, { label: tier, op: '=~', value: 'P1|P2' }]
      contacts: [manager_p01]
      continue: true
    - matchers: [{ label: plant, op: '=', value: P02 }, { label: tier, op: '=~', value: 'P1|P2' }]
      contacts: [manager_p02]
defaults: { groupWait: 30s, groupInterval: 1m, repeatInterval: 4h }
`;
}

async function start(): Promise<RunningLinewatch> {
  const config = LinewatchConfigSchema.parse({
    roles: ['api', 'worker'],
    server: { port: 0 },
    store: {
      dataDir: process.env.LINEWATCH_TEST_DATA_DIR,
      database,
      maxMemoryBytes: 3 * 1024 ** 3,
    },
    paths: { flows: join(root, 'flows'), alertRules: rulesDir },
    plants: { P01: { timeZone: 'Europe/Paris' }, P02: { timeZone: 'Europe/Prague' } },
    publicUrl: 'https://linewatch.plant.example',
    alerting: {
      evaluationInterval: 50,
      smtp: { host: '127.0.0.1', port: smtp.port, from: 'Linewatch <linewatch@plant.example>' },
      delivery: { pollInterval: 25, backoffBase: 1_000, timeout: 5_000 },
    },
  });
  lw = await startLinewatch({
    config,
    logger: pino({ level: 'silent' }),
    components: [alertingComponent],
    now: () => clock.now,
    secret: (name) => (name === 'TEST_HOOK_SECRET' ? HOOK_SECRET : undefined),
  });
  return lw;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const api = async (path: string, init?: RequestInit) => {
  const res = await fetch(`${lw?.apiUrl ?? ''}${path}`, init);
  return { status: res.status, body: await res.json() };
};
const alerts = async () => AlertListSchema.parse((await api('/api/v1/alerts?state=all')).body).items;
const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

beforeAll(async () => {
  smtp = await startSmtpServer();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  rulesDir = mkdtempSync(join(tmpdir(), 'lw-alert-rules-'));
  // The shipped rules for connectors and flows, with routes to the test's receivers.
  for (const f of ['connectors.yaml', 'flows.yaml'])
    copyFileSync(join(root, 'alert-rules', f), join(rulesDir, f));
  writeFileSync(
    join(rulesDir, 'routes.yaml'),
    routesYaml(`http://127.0.0.1:${(hook.address() as AddressInfo).port}/linewatch`),
  );
});

afterAll(async () => {
  if (lw) {
    await lw.store.command(sql`DROP DATABASE IF EXISTS ${sql.id(lw.store.database)} SYNC`);
    await lw.stop();
  }
  await smtp.close();
  await new Promise((r) => hook.close(r));
});

describe('alerting in linewatch start', () => {
  it('notifies the P02 manager once of the MES outage with its symptoms, holds silenced P01, and resolves after a restart', async () => {
    const running = await start();
    // P02's MES last reported 20 minutes ago; P01's a minute ago. Confirmations are missing at both.
    await running.store.insert('business_events', [
      {
        id: 'e1',
        time: iso(T0 - 20 * MIN),
        flow: 'production_confirmation',
        step: 'wo',
        key: 'BRN/WO/1',
        system: 'mes',
        plant: 'P02',
      },
      {
        id: 'e2',
        time: iso(T0 - 1 * MIN),
        flow: 'production_confirmation',
        step: 'wo',
        key: 'LYO/WO/1',
        system: 'mes',
        plant: 'P01',
      },
    ]);
    const missing = (status: string, version: number) =>
      [
        ['BRN/MO/1', 'P02'],
        ['BRN/MO/2', 'P02'],
        ['LYO/MO/9', 'P01'],
      ].map(([key, plant]) => ({
        key,
        flow: 'production_confirmation',
        plant,
        status,
        started_at: iso(T0 - 30 * MIN),
        problem_deadline_at: iso(T0 - 2 * MIN),
        updated_at: iso(T0 - 2 * MIN + version),
        version,
        is_deleted: 0,
      }));
    await running.store.insert('transactions', missing('missing', 1));
    // P01 is being serviced: a silence for the plant, created through the API.
    const silence = await api('/api/v1/silences', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ label: 'plant', op: '=', value: 'P01' }],
        endsAt: new Date(T0 + 60 * MIN).toISOString(),
        comment: 'line 2 retooling',
      }),
    });
    expect(silence.status).toBe(201);
    const silenceId = (silence.body as { id: string }).id;

    // The cause fires as P1 and carries the missing confirmations; P01's alert is marked silenced.
    const cause = await until('the MES silence at P02 as P1 with its symptom', async () => {
      const items = await alerts();
      const c = items.find((a) => a.rule === 'mes_silence' && a.plant === 'P02');
      const p01 = items.find((a) => a.rule === 'production_confirmation_missing' && a.plant === 'P01');
      return c?.tier === 'P1' && c.symptoms.length > 0 && p01?.silencedBy ? c : undefined;
    });
    expect(cause.symptoms.map((s) => [s.rule, s.plant])).toEqual([
      ['production_confirmation_missing', 'P02'],
    ]);
    expect((await alerts()).find((a) => a.plant === 'P01' && a.rule !== 'mes_silence')?.silencedBy).toBe(
      silenceId,
    );
    expect(smtp.received).toHaveLength(0); // group wait: nothing before 30 s

    clock.now = T0 + 31_000;
    const [mail] = await until('the P1 e-mail to the P02 manager', () =>
      mailsTo('manager.p02@plant.example').length ? mailsTo('manager.p02@plant.example') : undefined,
    );
    expect(mail?.mail.subject).toMatch(/^\[P1\].*P02/);
    expect(mail?.mail.subject).toContain('No data from mes at P02');
    expect(mail?.mail.text).toContain('BRN/MO/1');
    expect(mail?.mail.html).toContain('production_confirmation');
    const [firing] = await until('the support webhook', () => (hooks.length ? hooks : undefined));
    const signature = firing?.headers['linewatch-signature'] as string;
    expect(verifyWebhookSignature(HOOK_SECRET, signature, firing?.body ?? '', clock.now / 1000)).toBe(true);
    const body = JSON.parse(firing?.body ?? '{}') as {
      kind: string;
      alerts: { rule: string; symptoms: { rule: string }[] }[];
    };
    expect(body.kind).toBe('firing');
    expect(body.alerts.map((a) => [a.rule, a.symptoms.map((s) => s.rule)])).toEqual([
      ['mes_silence', ['production_confirmation_missing']],
    ]);
    const detail = await until('both deliveries recorded on the alert', async () => {
      const d = AlertDetailSchema.parse((await api(`/api/v1/alerts/${cause.id}`)).body);
      return d.deliveries.length === 2 ? d : undefined;
    });
    expect(detail.deliveries.map((d) => [d.contact, d.channel, d.kind, d.ok]).sort()).toEqual([
      ['manager_p02', 'email', 'firing', true],
      ['support', 'webhook', 'firing', true],
    ]);

    // A restart: state and group records come back from the store.
    await running.stop();
    lw = undefined;
    const again = await start();
    clock.now = T0 + MIN;
    await again.store.insert('business_events', [
      {
        id: 'e3',
        time: iso(clock.now - 1_000),
        flow: 'production_confirmation',
        step: 'wo',
        key: 'BRN/WO/2',
        system: 'mes',
        plant: 'P02',
      },
    ]);
    await again.store.insert('transactions', missing('on_time', 2));
    await until('the cause resolved', async () => {
      const c = (await alerts()).find((a: Alert) => a.id === cause.id);
      return c?.state === 'resolved' ? c : undefined;
    });
    clock.now = T0 + 2 * MIN;
    const mails = await until('the resolve e-mail', () => {
      const m = mailsTo('manager.p02@plant.example');
      return m.length >= 2 ? m : undefined;
    });
    await until('the resolve webhook', () => (hooks.length >= 2 ? hooks : undefined));
    expect(mails.map((m) => m.mail.subject?.split(' ')[0])).toEqual(['[P1]', '[Resolved]']);
    expect(hooks.map((h) => (JSON.parse(h.body) as { kind: string }).kind)).toEqual(['firing', 'resolved']);
    expect(mailsTo('manager.p01@plant.example')).toHaveLength(0);
    expect(hooks.map((h) => h.body).join()).not.toContain('"plant":"P01"');
  });
});
