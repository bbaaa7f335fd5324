import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DependencyGraphSchema, LinewatchConfigSchema } from '@linewatch/schema';
import { sql } from '@linewatch/store';
import { startLinewatch, type RunningLinewatch } from '../runtime.ts';
import { dependencyRoutesComponent, dependencyWorkerComponent } from './dependencies.ts';

// `linewatch start` wiring: the routes come with the api role and read the flows directory (watched);
// the worker comes with the worker role and computes snapshots on its own.

const running: RunningLinewatch[] = [];
afterAll(async () => {
  for (const r of running) {
    await r.store.command(sql`DROP DATABASE IF EXISTS ${sql.id(r.store.database)} SYNC`);
    await r.stop();
  }
});

function config(roles: ('api' | 'worker')[], flowsDir: string) {
  return LinewatchConfigSchema.parse({
    roles,
    server: { port: 0 },
    store: {
      dataDir: process.env.LINEWATCH_TEST_DATA_DIR,
      database: `test_${randomBytes(6).toString('hex')}`,
      maxMemoryBytes: 3 * 1024 ** 3,
    },
    paths: { flows: flowsDir },
  });
}

const FLOW = `id: release
name: Release
owner: planning
criticality: production
key: production_order
steps:
  - { id: released, system: odoo }
  - { id: received, system: mes }
`;

describe('dependency components', () => {
  it('serve the map over the flows directory, and show an edited flow without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-dep-flows-'));
    writeFileSync(join(dir, 'release.yaml'), FLOW);
    const lw = await startLinewatch({
      config: config(['api'], dir),
      logger: pino({ level: 'silent' }),
      components: [dependencyRoutesComponent, dependencyWorkerComponent],
    });
    running.push(lw);
    expect(lw.components.map((c) => c.name)).toEqual(['dependency-routes']);
    const graph = async () =>
      DependencyGraphSchema.parse(await (await fetch(`${lw.apiUrl}/api/v1/dependencies`)).json());
    const first = await graph();
    expect(first.edges.map((e) => e.id)).toEqual(['odoo->mes']);
    // Flow health comes from the correlation engine's transactions: none yet, so idle (not unknown).
    expect(first.flows).toMatchObject([{ flow: 'release', health: 'idle', volume: 0 }]);

    writeFileSync(join(dir, 'release.yaml'), FLOW.replace('system: mes', 'system: wms'));
    const deadline = Date.now() + 10_000;
    let ids: string[] = [];
    while (Date.now() < deadline) {
      ids = (await graph()).edges.map((e) => e.id);
      if (ids.includes('odoo->wms')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(ids).toEqual(['odoo->wms']);
    expect((await fetch(`${lw.apiUrl}/api/v1/services`)).status).toBe(200);
    expect((await fetch(`${lw.apiUrl}/api/v1/queues`)).status).toBe(200);
  });

  it('run the worker in the worker role only, which records its progress on its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-dep-flows-'));
    const lw = await startLinewatch({
      config: config(['worker'], dir),
      logger: pino({ level: 'silent' }),
      components: [dependencyRoutesComponent, dependencyWorkerComponent],
    });
    running.push(lw);
    expect(lw.apiUrl).toBeUndefined();
    const worker = lw.components.find((c) => c.name === 'dependency-map');
    expect(worker).toBeDefined();
    const deadline = Date.now() + 20_000;
    let states: { watermark: string }[] = [];
    while (Date.now() < deadline && states.length === 0) {
      states = await lw.store.query<{ watermark: string }>(
        sql`SELECT toString(Watermark) AS watermark FROM ${lw.store.table('dependency_worker_state')} FINAL`,
      );
      if (states.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(states).toHaveLength(1);
    expect(await worker?.readiness?.()).toBeUndefined();
  });
});
