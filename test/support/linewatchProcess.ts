import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

const root = join(import.meta.dirname, '..', '..');

/** A `linewatch` child process as a user would run it, with its output captured. */
export interface LinewatchProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** The API base URL once it printed "Linewatch is running: open …". */
  apiUrl: Promise<string>;
}

/**
 * Writes a linewatch.yaml for a test run: ephemeral ports, its own data and spool directories, the
 * repository's flows, rules and dashboards, and no report definitions unless `repoReports` (a fresh
 * data directory would otherwise catch up every shipped weekly report at start, PDFs included: load
 * that other tests running beside it feel, and e-mails on the days reports are due).
 */
export function writeTestConfig(
  dataDir: string,
  extra: Record<string, unknown> = {},
  options: { repoReports?: boolean } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-cfg-'));
  const path = join(dir, 'linewatch.yaml');
  writeFileSync(
    path,
    stringify({
      log: { level: 'info' },
      server: { port: 0, shutdownGraceSeconds: 20 },
      store: { dataDir, maxMemoryBytes: 2 * 1024 ** 3 },
      collector: { otlpHttp: { port: 0 }, otlpGrpc: { port: 0 }, spool: { dir: join(dataDir, 'spool') } },
      paths: {
        flows: join(root, 'flows'),
        alertRules: join(root, 'alert-rules'),
        dashboards: join(root, 'dashboards'),
        reports: options.repoReports ? join(root, 'reports') : mkdtempSync(join(tmpdir(), 'lw-no-reports-')),
      },
      ...extra,
    }),
  );
  return path;
}

/** Spawns `linewatch <args>` through the package bin, as `npm start` does. */
export function spawnLinewatch(args: string[], env: NodeJS.ProcessEnv = {}): LinewatchProcess {
  const child = spawn(process.execPath, [join(root, 'apps/server/bin/linewatch.js'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let resolveUrl: (u: string) => void = () => undefined;
  let rejectUrl: (e: Error) => void = () => undefined;
  const apiUrl = new Promise<string>((res, rej) => {
    resolveUrl = res;
    rejectUrl = rej;
  });
  const onData = (d: Buffer) => {
    out += d.toString();
    const m = /Linewatch is running: open (http:\/\/\S+)/.exec(out);
    if (m) resolveUrl(m[1] as string);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      rejectUrl(new Error(`linewatch exited with ${code} before it was ready:\n${out}`));
      res(code);
    }),
  );
  apiUrl.catch(() => undefined);
  return { child, output: () => out, exited, apiUrl };
}

/** Polls `probe` until it returns a value or the deadline passes (no fixed sleeps). */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  deadlineMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}
