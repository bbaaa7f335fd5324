// `linewatch start --demo`: the demo component runs the simulator against the process's own
// receivers, and the demo panel's routes switch scenarios while it runs.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlows } from '@linewatch/correlation';
import { DemoScenarioSchema, DemoStateSchema } from '@linewatch/schema';
import { toSimFlow } from '@linewatch/simulator';
import { sql } from '@linewatch/store';
import { defaultComponents } from '../../apps/server/src/main.ts';
import { startLinewatch, type RunningLinewatch } from '../../apps/server/src/runtime.ts';
import { simulatedPlantConfig } from './support/simulatedPlantConfig.ts';
import { pollUntil } from '../support/linewatchProcess.ts';

const flows = loadFlows('flows').flows.map((f) => toSimFlow(f.flow));
const base = `lwdemo${randomBytes(4).toString('hex')}`;
let lw: RunningLinewatch;

beforeAll(async () => {
  lw = await startLinewatch({
    config: simulatedPlantConfig(flows, base, {
      // Not live: from now on at x600, so a few real seconds hold an hour of plant traffic.
      demo: { enabled: true, seed: 4, speed: 600, plants: 3 },
    }),
    logger: pino({ level: 'silent' }),
    components: defaultComponents(),
  });
}, 120_000);

afterAll(async () => {
  if (!lw) return;
  await lw.store.command(sql`DROP DATABASE IF EXISTS ${sql.id(lw.store.database)} SYNC`);
  await lw.stop();
});

const api = (path: string, init?: RequestInit) => fetch(`${lw.apiUrl}${path}`, init);

describe('the demo component', () => {
  it('runs last, after the collector, and answers the demo panel', async () => {
    expect(lw.components.at(-1)?.name).toBe('demo');
    const state = DemoStateSchema.parse(await (await api('/api/v1/demo/scenarios')).json());
    expect(state).toMatchObject({ running: true, speed: 600, plants: ['P01', 'P02', 'P03'] });
    expect(state.scenarios.map((s) => s.name)).toContain('connector-outage');
  });

  it(
    'fills the store through the real receivers: spans, events API, Odoo webhooks and MQTT',
    { timeout: 180_000 },
    async () => {
      const sources = await pollUntil(
        async () => {
          const rows = await lw.store.query<{ source: string }>(
            sql`SELECT DISTINCT source FROM ${lw.store.table('business_events')} ORDER BY source`,
          );
          const s = rows.map((r) => r.source);
          return s.length === 4 ? s : undefined;
        },
        150_000,
        'events from all four sources',
      );
      expect(sources).toEqual(['api', 'mqtt', 'odoo', 'span']);
    },
  );

  it(
    'switches a scenario on and off from the demo panel, and refuses unknown ones',
    { timeout: 180_000 },
    async () => {
      const on = await api('/api/v1/demo/scenarios', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'expired-credential', active: true, duration: '30m' }),
      });
      expect(on.status).toBe(200);
      expect(DemoScenarioSchema.parse(await on.json())).toMatchObject({
        name: 'expired-credential',
        active: true,
        system: 'carrier',
      });
      const failed = await pollUntil(
        async () => {
          const rows = await lw.store.query<{ n: number }>(
            sql`SELECT count() AS n FROM ${lw.store.table('business_events')} WHERE error_category = 'auth' AND system = 'carrier'`,
          );
          return rows[0]!.n > 0 ? rows[0]!.n : undefined;
        },
        150_000,
        'failed carrier steps (category auth)',
      );
      expect(failed).toBeGreaterThan(0);
      const off = await api('/api/v1/demo/scenarios', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'expired-credential', active: false }),
      });
      expect(DemoScenarioSchema.parse(await off.json()).active).toBe(false);
      const bad = await api('/api/v1/demo/scenarios', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'meteor-strike', active: true }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    },
  );
});
