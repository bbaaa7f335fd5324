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

function start(config: string): LinewatchProcess {
  const p = spawnLinewatch(['start', '--config', config]);
  started.push(p);
  return p;
}

async function ready(url: string): Promise<{ status: string }> {
  return pollUntil(
    async () => {
      const r = await fetch(`${url}/readyz`);
      return r.ok ? ((await r.json()) as { status: string }) : undefined;
    },
    30_000,
    'readyz',
  );
}

describe('linewatch start (embedded)', () => {
  it('becomes ready, refuses a second process on the same data directory, and exits 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lw-life-'));
    const config = writeTestConfig(dataDir);
    const first = start(config);
    const url = await first.apiUrl;
    expect(await ready(url)).toEqual({ status: 'ready' });

    const second = start(config);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain(`the data directory ${dataDir} is in use by another Linewatch process`);

    // The first process is unharmed by the second one's attempt.
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
  }, 180_000);

  it('refuses to start on a non-loopback address without tokens, saying how to fix it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lw-expose-'));
    const p = start(writeTestConfig(dataDir, { server: { host: '0.0.0.0', port: 0 } }));
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/binding 0\.0\.0\.0 with no principal or token .*linewatch token create/);
  });

  it('stops at start with every config problem listed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lw-bad-'));
    const p = start(writeTestConfig(dataDir, { retention: { traces: 0 }, log: { level: 'loud' } }));
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/log\.level: /);
    expect(p.output()).toMatch(/retention\.traces: /);
  });
});
