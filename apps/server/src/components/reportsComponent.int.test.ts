import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinewatchConfigSchema, ReportListSchema } from '@linewatch/schema';
import { startSmtpServer } from '../../../../packages/alerting/src/channels/testing/startSmtpServer.ts';
import { startLinewatch, type RunningLinewatch } from '../runtime.ts';
import { listAudit } from '../access/audit.ts';
import { createReportsComponent } from './reportsComponent.ts';

// linewatch start with the reports component (api + worker) on real chDB: Linewatch comes back on a
// Monday after 06:00 Paris time, produces the P01 report it missed once, mails it through a real
// SMTP server, serves it over the API; after a restart it produces nothing twice.

const root = join(import.meta.dirname, '..', '..', '..', '..');
const NOW = Date.parse('2026-11-23T08:00:00Z'); // Monday 09:00 in Paris
const database = `test_${randomBytes(6).toString('hex')}`;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let base: string;
let lw: RunningLinewatch | undefined;

async function start(): Promise<RunningLinewatch> {
  const config = LinewatchConfigSchema.parse({
    roles: ['api', 'worker'],
    server: { port: 0 },
    store: { dataDir: process.env.LINEWATCH_TEST_DATA_DIR, database, maxMemoryBytes: 3 * 1024 ** 3 },
    paths: { flows: join(base, 'flows'), alertRules: join(base, 'alert-rules') },
    plants: { P01: { timeZone: 'Europe/Paris' } },
    alerting: { smtp: { host: '127.0.0.1', port: smtp.port, from: 'Linewatch <lw@plant.example>' } },
  });
  lw = await startLinewatch({
    config,
    logger: pino({ level: 'silent' }),
    components: [createReportsComponent({ tickMs: 200 })],
    now: () => NOW,
  });
  return lw;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const reports = async () =>
  ReportListSchema.parse(await (await fetch(`${lw?.apiUrl ?? ''}/api/v1/reports`)).json()).items;

beforeAll(async () => {
  smtp = await startSmtpServer();
  base = mkdtempSync(join(tmpdir(), 'lw-reports-'));
  mkdirSync(join(base, 'flows'));
  for (const f of readdirSync(join(root, 'flows')))
    copyFileSync(join(root, 'flows', f), join(base, 'flows', f));
  mkdirSync(join(base, 'reports'));
  writeFileSync(
    join(base, 'reports', 'p01.yaml'),
    `apiVersion: linewatch/v1
kind: Report
id: p01-weekly
name: P01 weekly
scope: { plant: P01 }
formats: [csv, html]
recipients: { email: [manager.p01@plant.example] }
`,
  );
});
afterAll(async () => {
  await lw?.stop();
  await smtp.close();
  rmSync(base, { recursive: true, force: true });
});

describe('reports in linewatch start', () => {
  it('catches up the Monday 06:00 report missed while down, once, and mails it', async () => {
    await start();
    const [report] = await until('the caught-up report', async () => {
      const list = await reports();
      return list.length && list[0]?.deliveries.length ? list : undefined;
    });
    expect(report).toMatchObject({
      definition: 'p01-weekly',
      week: '2026-W47',
      trigger: 'catch_up',
      scheduledFor: '2026-11-23T05:00:00.000Z',
      timeZone: 'Europe/Paris',
    });
    expect(report?.deliveries).toEqual([
      expect.objectContaining({
        channel: 'email',
        target: 'manager.p01@plant.example',
        ok: true,
        attempt: 1,
      }),
    ]);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.mail.attachments).toHaveLength(7);
    const html = report!.files.find((f) => f.format === 'html')!;
    const res = await fetch(`${lw!.apiUrl}/api/v1/reports/${report!.id}/files/${html.name}`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${html.name}"`);
    expect(await res.text()).toContain('P01 weekly, 2026-W47');
  });

  it('audits a change of the definitions, picked up by the next tick without a restart', async () => {
    writeFileSync(
      join(base, 'reports', 'p02.yaml'),
      `apiVersion: linewatch/v1
kind: Report
id: p02-weekly
name: P02 weekly
scope: { plant: P02 }
schedule: { enabled: false }
`,
    );
    const [row] = await until('the audit row of the reload', async () => {
      const rows = await listAudit(lw!.store, {
        // Audit rows carry the injected clock.
        from: NOW - 60_000,
        to: NOW + 60_000,
        action: 'report_definitions.reload',
        plants: [],
        limit: 5,
      });
      return rows.length ? rows : undefined;
    });
    expect(row).toMatchObject({
      principal: { id: 'system' },
      outcome: 'ok',
      before: ['p01-weekly'],
      after: ['p01-weekly', 'p02-weekly'],
      detail: 'added p02-weekly',
    });
    rmSync(join(base, 'reports', 'p02.yaml'));
  });

  it('produces nothing twice after a restart', async () => {
    await lw?.stop();
    // Its first tick runs at start; stop() waits for the tick in flight, so whatever it would
    // have produced is recorded when stop returns.
    await (await start()).stop();
    lw = await start();
    const defs = (await (await fetch(`${lw.apiUrl}/api/v1/report-definitions`)).json()) as {
      items: unknown[];
    };
    expect(defs.items).toHaveLength(1);
    expect(await reports()).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
  });
});
