// bench:start — seconds from `linewatch start` (embedded, fresh data directory) to a 200 from
// /readyz, then the same for a restart on the data it left behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil, spawnLinewatch, writeTestConfig } from '../../../test/support/linewatchProcess.ts';

async function timeToReady(config: string): Promise<number> {
  const t0 = performance.now();
  const p = spawnLinewatch(['start', '--config', config]);
  const url = await p.apiUrl;
  await pollUntil(async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), 60_000, 'readyz');
  const ms = performance.now() - t0;
  p.child.kill('SIGTERM');
  const code = await p.exited;
  if (code !== 0) throw new Error(`linewatch exited with ${code}:\n${p.output()}`);
  return ms;
}

const dataDir = mkdtempSync(join(tmpdir(), 'lw-bench-start-'));
const config = writeTestConfig(dataDir);
const fresh = await timeToReady(config);
const restart = await timeToReady(config);
console.log('bench:start  linewatch start (embedded, all roles) until /readyz answers 200');
console.log(`  fresh data directory:  ${(fresh / 1000).toFixed(2)} s`);
console.log(`  restart on its data:   ${(restart / 1000).toFixed(2)} s`);
rmSync(dataDir, { recursive: true, force: true });
