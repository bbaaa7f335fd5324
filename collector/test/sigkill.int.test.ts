import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { makeSpans } from './fixtures/makeSpans.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/collectorProcess.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVICE = 'sigkill';

interface Running {
  child: ChildProcess;
  line: Promise<string>;
  exited: Promise<number | null>;
}

/** Runs the collector fixture in a process of its own (node --import tsx, so SIGKILL reaches it directly). */
function run(mode: 'serve' | 'verify', dataDir: string, spoolDir: string): Running {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', FIXTURE, mode, dataDir, spoolDir, 'sigkill_test', SERVICE],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (l) => {
      if (l.startsWith('READY ') || l.startsWith('RESULT ')) resolve(l);
    });
    void exited.then((code) => reject(new Error(`collector process exited (${code}) before it was ready`)));
  });
  return { child, line, exited };
}

function exportOnce(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<boolean> {
  return new Promise((resolve) =>
    exporter.export(spans, (r) => resolve(r.code === ExportResultCode.SUCCESS)),
  );
}

/** Senders that export batches in a loop and remember which spans the collector acknowledged. */
function startSenders(
  url: string,
  senders: number,
  acked: Set<string>,
): { stop(): Promise<void>; requests: () => number } {
  let stopped = false;
  let requests = 0;
  const loops = Array.from({ length: senders }, async () => {
    const exporter = new OTLPTraceExporter({ url: `${url}/v1/traces`, timeoutMillis: 3_000 });
    while (!stopped) {
      const spans = makeSpans(200, { service: SERVICE });
      if (await exportOnce(exporter, spans)) {
        requests++;
        for (const s of spans) acked.add(s.spanContext().spanId);
      }
    }
    await exporter.shutdown();
  });
  return {
    requests: () => requests,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a collector killed with SIGKILL under load', () => {
  it(
    'has every acknowledged span in the store exactly once after a restart',
    { timeout: 240_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'linewatch-kill-data-'));
      const spoolDir = mkdtempSync(join(tmpdir(), 'linewatch-kill-spool-'));
      const acked = new Set<string>();

      const first = run('serve', dataDir, spoolDir);
      const { http } = JSON.parse((await first.line).slice('READY '.length)) as { http: string };
      const senders = startSenders(http, 3, acked);
      // Kill in the middle of the load: requests in flight, segments being written and inserted.
      await until('20 acknowledged requests', () => senders.requests() >= 20, 60_000);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe(null);
      await senders.stop();
      const ackedBeforeKill = acked.size;
      expect(ackedBeforeKill).toBeGreaterThanOrEqual(4_000);

      // Restart on the same data and spool; it replays and takes more load before a clean stop.
      const second = run('serve', dataDir, spoolDir);
      const restarted = JSON.parse((await second.line).slice('READY '.length)) as { http: string };
      const more = startSenders(restarted.http, 2, acked);
      await until('5 more acknowledged requests', () => more.requests() >= 5, 60_000);
      await more.stop();
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      const verify = run('verify', dataDir, spoolDir);
      const result = JSON.parse((await verify.line).slice('RESULT '.length)) as {
        flushed: boolean;
        final: number;
        distinct: number;
        raw: number;
        spanIds: string[];
      };
      expect(await verify.exited).toBe(0);
      expect(result.flushed).toBe(true);
      const stored = new Set(result.spanIds);
      const missing = [...acked].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      // Exactly once as queries see it: FINAL collapses a span stored twice (a sender's retry of a
      // request whose answer the kill swallowed); no span appears twice through FINAL.
      expect(result.final).toBe(result.distinct);
      expect(result.final).toBeGreaterThanOrEqual(acked.size);
    },
  );
});
