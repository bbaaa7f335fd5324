import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinewatchConfigSchema, type LinewatchConfig } from '@linewatch/schema';
import { demoIngestConfig, type SimFlow } from '@linewatch/simulator';

/**
 * The configuration of an in-process `linewatch start` that a simulated plant sends to: ephemeral
 * ports, a fresh database in this test worker's data directory, a fresh spool, and the collector's
 * Odoo webhook mappings and MQTT subscription for the simulator's sinks (topics under `base`).
 * `extra` adds the sections a test needs (demo, correlation).
 * @example simulatedPlantConfig(flows, 'lwdemo1a2b', { demo: { enabled: true } })
 */
export function simulatedPlantConfig(
  flows: readonly SimFlow[],
  base: string,
  extra: { demo?: Record<string, unknown>; correlation?: Record<string, unknown> } = {},
): LinewatchConfig {
  const ingest = demoIngestConfig(flows);
  return LinewatchConfigSchema.parse({
    server: { port: 0 },
    store: {
      dataDir: process.env.LINEWATCH_TEST_DATA_DIR,
      database: `test_${randomBytes(6).toString('hex')}`,
      maxMemoryBytes: 3 * 1024 ** 3,
    },
    paths: { flows: 'flows', web: join(tmpdir(), 'no-web-build') },
    collector: {
      otlpHttp: { port: 0 },
      otlpGrpc: { port: 0 },
      decodeWorkers: 1,
      spool: { dir: mkdtempSync(join(tmpdir(), `linewatch-${base}-spool-`)) },
      odoo: ingest.odoo,
      mqtt: {
        ...ingest.mqtt,
        topics: [{ filter: `${base}/+/events`, kind: 'events' }],
        clientId: `${base}-collector`,
      },
    },
    ...extra,
  });
}
