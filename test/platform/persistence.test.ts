import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  pollUntil,
  spawnLinewatch,
  writeTestConfig,
  type LinewatchProcess,
} from '../support/linewatchProcess.ts';

const started: LinewatchProcess[] = [];
afterEach(() => {
  for (const p of started.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

async function startReady(config: string): Promise<{ p: LinewatchProcess; url: string }> {
  const p = spawnLinewatch(['start', '--config', config]);
  started.push(p);
  const url = await p.apiUrl;
  await pollUntil(async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), 60_000, 'readyz');
  return { p, url };
}

interface Search {
  results: { matchedBy: string; transaction: { flow: string; key: string; plant: string } }[];
}

async function findTransaction(url: string, key: string): Promise<Search['results']> {
  return pollUntil(
    async () => {
      const r = await fetch(`${url}/api/v1/search?q=${encodeURIComponent(key)}`);
      const body = (await r.json()) as Search;
      return body.results.length > 0 ? body.results : undefined;
    },
    60_000,
    `transaction ${key}`,
  );
}

describe('linewatch start keeps its data', () => {
  it('keeps what it acknowledged across a stop and a start on the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lw-persist-'));
    const config = writeTestConfig(dataDir);
    const key = `MO/${process.pid}-${Date.now()}`;

    const first = await startReady(config);
    const sent = await fetch(`${first.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          id: `persist-${key}`,
          time: new Date().toISOString(),
          flow: 'production_order_release',
          step: 'mo_confirmed',
          key,
          system: 'odoo',
          plant: 'P01',
        },
      ]),
    });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toMatchObject({ accepted: 1, rejected: [] });
    first.p.child.kill('SIGTERM');
    expect(await first.p.exited).toBe(0);

    const second = await startReady(config);
    const results = await findTransaction(second.url, key);
    expect(results[0]).toMatchObject({
      matchedBy: 'key',
      transaction: { flow: 'production_order_release', key, plant: 'P01' },
    });
    second.p.child.kill('SIGTERM');
    expect(await second.p.exited).toBe(0);
  });
});
