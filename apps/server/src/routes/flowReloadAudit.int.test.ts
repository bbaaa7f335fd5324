import { randomBytes } from 'node:crypto';
import { mkdtempSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { LinewatchConfigSchema } from '@linewatch/schema';
import { sql } from '@linewatch/store';
import { listAudit } from '../access/audit.ts';
import { startLinewatch, type RunningLinewatch } from '../runtime.ts';
import { correlationComponent } from './flows.ts';

// A change of the flows directory, picked up without a restart, is in the audit trail: which flows
// came and went, and which files were refused (their last good version kept).

let lw: RunningLinewatch | undefined;
afterAll(async () => {
  if (!lw) return;
  await lw.store.command(sql`DROP DATABASE IF EXISTS ${sql.id(lw.store.database)} SYNC`);
  await lw.stop();
});

const flow = (id: string) => `id: ${id}
name: ${id}
owner: planning
criticality: production
key: production_order
steps:
  - { id: released, system: odoo }
  - { id: received, system: mes }
`;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('definition reloads', () => {
  it('audits a flow added and a file refused, by the worker that watches them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-reload-flows-'));
    writeFileSync(join(dir, 'release.yaml'), flow('release'));
    const startedAt = Date.now();
    lw = await startLinewatch({
      config: LinewatchConfigSchema.parse({
        roles: ['worker'],
        store: {
          dataDir: process.env.LINEWATCH_TEST_DATA_DIR,
          database: `test_${randomBytes(6).toString('hex')}`,
          maxMemoryBytes: 3 * 1024 ** 3,
        },
        paths: { flows: dir },
      }),
      logger: pino({ level: 'silent' }),
      components: [correlationComponent],
    });
    const store = lw.store;
    const reloads = () =>
      listAudit(store, {
        from: startedAt - 1000,
        to: Date.now() + 1000,
        action: 'flows.reload',
        plants: [],
        limit: 10,
      });

    writeFileSync(join(dir, 'shipment.yaml'), flow('shipment'));
    const [added] = await until('the audit row of the added flow', async () => {
      const rows = await reloads();
      return rows.length ? rows : undefined;
    });
    expect(added).toMatchObject({
      principal: { id: 'system', kind: 'local', name: 'linewatch' },
      target: dir,
      outcome: 'ok',
      before: ['release'],
      after: ['release', 'shipment'],
      detail: 'added shipment',
    });

    // A broken file beside a removed one: the removal applies, the broken file keeps its last version.
    writeFileSync(join(dir, 'release.yaml'), 'id: release\nsteps: [oops');
    unlinkSync(join(dir, 'shipment.yaml'));
    const rows = await until('the audit row of the removal', async () => {
      const r = await reloads();
      return r.length >= 2 ? r : undefined;
    });
    expect(rows[0]).toMatchObject({ outcome: 'failed', after: ['release'] });
    expect(rows[0]?.detail).toMatch(/^removed shipment; refused \(last good version kept\): .*release\.yaml/);
  });
});
