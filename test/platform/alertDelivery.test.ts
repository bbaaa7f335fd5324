import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpServer } from '../../packages/alerting/src/channels/testing/startSmtpServer.ts';
import {
  pollUntil,
  spawnLinewatch,
  writeTestConfig,
  type LinewatchProcess,
} from '../support/linewatchProcess.ts';

// A notification the worker queued survives SIGKILL: the mail relay is down when the MES of P02
// goes quiet, the process is killed while the e-mail waits for its retry, the relay comes back, and
// the restarted process delivers it exactly once.

const MIN = 60_000;
const started: LinewatchProcess[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const close of closers.splice(0)) await close();
});

const RULES = `apiVersion: linewatch/v1
kind: AlertRules
rules:
  - id: mes_silence
    kind: connector
    systems: [mes]
    condition: { measure: silence, window: 2m, lookback: 1h }
    tier: { floor: P1 }
    annotations: { summary: 'No data from mes at {{plant}}' }
`;
const ROUTES = `apiVersion: linewatch/v1
kind: AlertRoutes
contacts:
  - id: manager_p02
    name: Plant manager P02
    channels: [{ type: email, to: [manager.p02@plant.example] }]
route:
  routes:
    - matchers: [{ label: plant, value: P02 }]
      contacts: [manager_p02]
defaults: { groupWait: 0s, groupInterval: 5s, repeatInterval: 4h }
`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

async function startReady(config: string): Promise<{ p: LinewatchProcess; url: string }> {
  const p = spawnLinewatch(['start', '--config', config]);
  started.push(p);
  const url = await p.apiUrl;
  await pollUntil(async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), 60_000, 'readyz');
  return { p, url };
}

interface Detail {
  id: string;
  state: string;
  deliveries: {
    contact: string;
    channel: string;
    kind: string;
    attempt: number;
    ok: boolean;
    error: string | null;
  }[];
}

async function mesAlert(url: string): Promise<Detail | undefined> {
  const list = (await (await fetch(`${url}/api/v1/alerts?state=all&rule=mes_silence`)).json()) as {
    items: { id: string; plant: string }[];
  };
  const id = list.items.find((a) => a.plant === 'P02')?.id;
  return id ? ((await (await fetch(`${url}/api/v1/alerts/${id}`)).json()) as Detail) : undefined;
}

describe('notification outbox', () => {
  it('delivers a notification queued before a SIGKILL exactly once after the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lw-outbox-'));
    const rulesDir = mkdtempSync(join(tmpdir(), 'lw-outbox-rules-'));
    writeFileSync(join(rulesDir, 'rules.yaml'), RULES);
    writeFileSync(join(rulesDir, 'routes.yaml'), ROUTES);
    const smtpPort = await freePort();
    // The flows in a directory of their own: report definitions are read from `reports/` beside the
    // flows, and the repository's weekly reports would be caught up and mailed to this relay too,
    // depending on the day the test runs.
    const flowsDir = join(mkdtempSync(join(tmpdir(), 'lw-outbox-defs-')), 'flows');
    cpSync(join(import.meta.dirname, '../../flows'), flowsDir, { recursive: true });
    const config = writeTestConfig(dataDir, {
      paths: { flows: flowsDir, alertRules: rulesDir },
      alerting: {
        evaluationInterval: '200ms',
        smtp: { host: '127.0.0.1', port: smtpPort, from: 'Linewatch <linewatch@plant.example>' },
        delivery: { pollInterval: '100ms', backoffBase: '500ms', backoffCap: '1s', timeout: '2s' },
      },
    });

    const first = await startReady(config);
    // The MES of P02 last reported 10 minutes ago.
    const sent = await fetch(`${first.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          id: `outbox-${process.pid}-1`,
          time: new Date(Date.now() - 10 * MIN).toISOString(),
          flow: 'production_confirmation',
          step: 'operation_completed',
          key: 'BRN/MO/77',
          system: 'mes',
          plant: 'P02',
        },
      ]),
    });
    expect(sent.status).toBeLessThan(300);
    // Nothing listens on the relay's port: the e-mail fails and waits for its retry.
    const failed = await pollUntil(
      async () => {
        const d = await mesAlert(first.url);
        return d?.deliveries.some((x) => !x.ok) ? d : undefined;
      },
      90_000,
      'a failed delivery attempt',
    );
    expect(failed.deliveries[0]).toMatchObject({ contact: 'manager_p02', channel: 'email', ok: false });
    expect(failed.deliveries[0]?.error).toMatch(/^SMTP /);
    first.p.child.kill('SIGKILL');
    await first.p.exited;

    const smtp = await startSmtpServer({ port: smtpPort });
    closers.push(smtp.close);
    const second = await startReady(config);
    const delivered = await pollUntil(
      async () => {
        const d = await mesAlert(second.url);
        return d?.deliveries.some((x) => x.ok) ? d : undefined;
      },
      90_000,
      'the delivery after the restart',
    );
    expect(delivered.state).toBe('firing');
    // The MES reports again: the alert resolves and its resolve e-mail follows the firing one.
    await fetch(`${second.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          id: `outbox-${process.pid}-2`,
          time: new Date(Date.now() - 5_000).toISOString(),
          flow: 'production_confirmation',
          step: 'operation_completed',
          key: 'BRN/MO/78',
          system: 'mes',
          plant: 'P02',
        },
      ]),
    });
    const mails = await pollUntil(
      () => Promise.resolve(smtp.received.length >= 2 ? smtp.received : undefined),
      120_000,
      'the resolve e-mail',
    );
    expect(mails.map((m) => m.mail.subject?.split(' ')[0])).toEqual(['[P1]', '[Resolved]']);
    expect(mails.map((m) => m.to)).toEqual([['manager.p02@plant.example'], ['manager.p02@plant.example']]);
  }, 300_000);
});
