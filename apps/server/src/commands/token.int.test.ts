import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `linewatch token` against a stopped embedded data directory, as a new install's first admin runs
// it: each call is its own process opening the data directory (chDB), like a person at a shell.

const root = join(import.meta.dirname, '..', '..', '..', '..');
const bin = join(root, 'apps/server/bin/linewatch.js');

function linewatch(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('linewatch token --data-dir', () => {
  it('creates a service account and its token, lists, rotates and revokes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-token-cli-'));
    const created = linewatch(
      'token',
      'create',
      '--data-dir',
      dir,
      '--service-account',
      'mes-p02',
      '--scope',
      'ingest',
      '--plant',
      'P02',
      '--system',
      'mes',
      '--expires',
      '90d',
    );
    expect(created.err).toBe('');
    expect(created.status).toBe(0);
    const token = /\b(lw_([a-z0-9]{12})_[A-Za-z0-9_-]{32})\b/.exec(created.out);
    expect(token).not.toBeNull();
    const id = token![2]!;

    const listed = linewatch('token', 'list', '--data-dir', dir);
    expect(listed.status).toBe(0);
    expect(listed.out).toMatch(new RegExp(`^${id}\\s+active\\s+svc_`, 'm'));
    // The list never shows a secret.
    expect(listed.out).not.toContain(token![1]);

    const rotated = linewatch('token', 'rotate', id, '--overlap', '10m', '--data-dir', dir);
    expect(rotated.status).toBe(0);
    const next = /lw_([a-z0-9]{12})_/.exec(rotated.out)![1]!;
    expect(next).not.toBe(id);

    expect(linewatch('token', 'revoke', next, '--data-dir', dir).out).toBe(`${next} revoked\n`);
    const after = linewatch('token', 'list', '--data-dir', dir).out;
    expect(after).toMatch(new RegExp(`^${next}\\s+revoked`, 'm'));
    expect(after).toMatch(new RegExp(`^${id}\\s+active`, 'm'));

    const unknown = linewatch('token', 'revoke', 'nosuchtoken0', '--data-dir', dir);
    expect(unknown.status).not.toBe(0);
    expect(unknown.err).toContain('nosuchtoken0');
  }, 180_000);
});
