// bench:correlate — 1,000,000 business events (200,000 transactions × 5 steps; 2% late, 1% missing,
// 1% failed, 0.5% duplicate; shuffled arrival) into the embedded store while the correlation worker
// runs, then: seconds until every status is final, events correlated per second, whether every
// status matches the generated truth, p95 of the transaction-detail and flow-health queries, and how
// long after a deadline a missing step is flagged. `--events N` for a shorter run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CorrelationConfigSchema,
  RetentionConfigSchema,
  StoreConfigSchema,
  type TransactionStatus,
} from '@linewatch/schema';
import { migrate, openStore, sql, type Store } from '@linewatch/store';
import {
  createCorrelationWorker,
  FlowRegistry,
  flowHealth,
  getTransactionDetail,
  type CorrelationLogger,
} from '../src/index.ts';
import { benchFlow, generateWorkload, makeRandom, probeFlow } from './benchWorkload.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const totalEvents = arg('events', 1_000_000);
const batchRows = arg('batch', 100_000);
const queryRuns = arg('queries', 200);
const transactions = Math.round(totalEvents / 5);
const mode = process.argv.includes('--stream') ? 'stream' : 'restart';

const out = (line: string) => process.stdout.write(`${line}\n`);
const quiet: CorrelationLogger = {
  info: () => {},
  warn: () => {},
  debug: () => {},
  error: (o, m) => out(`error: ${m ?? ''} ${(o as { err?: Error }).err?.message ?? JSON.stringify(o)}`),
};

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] as number;
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return false;
}

async function compareWithTruth(
  store: Store,
  truth: Map<string, TransactionStatus>,
): Promise<{ mismatches: number; examples: string[]; seen: number }> {
  let mismatches = 0;
  let seen = 0;
  const examples: string[] = [];
  const parts = 8;
  for (let part = 0; part < parts; part++) {
    const rows = await store.query<{ key: string; status: string; reason: string }>(sql`
      SELECT key, CAST(status, 'String') AS status, reason FROM ${store.table('transactions')} FINAL
      WHERE flow = ${benchFlow.id} AND cityHash64(key) % ${parts} = ${part}`);
    for (const r of rows) {
      seen++;
      const want = truth.get(r.key);
      if (want !== r.status) {
        mismatches++;
        if (examples.length < 5)
          examples.push(`${r.key}: ${r.status} (${r.reason}), expected ${want ?? 'no transaction'}`);
      }
    }
  }
  mismatches += Math.max(0, truth.size - seen);
  return { mismatches, examples, seen };
}

const dataDir = join(tmpdir(), `linewatch-bench-correlate-${process.pid}`);
mkdirSync(dataDir, { recursive: true });
const store = await openStore(
  StoreConfigSchema.parse({ mode: 'embedded', dataDir, database: 'bench', maxMemoryBytes: 6 * 1024 ** 3 }),
);
const clockSkew = 10_000;
const correlation = CorrelationConfigSchema.parse({ clockSkew, repairWindow: '1h' });
try {
  await migrate(store, RetentionConfigSchema.parse({}));
  const flows = FlowRegistry.fromFlows([benchFlow, probeFlow]);
  const worker = createCorrelationWorker({
    store,
    flows,
    config: { correlation },
    logger: quiet,
    now: Date.now,
  });

  const genStart = Date.now();
  const { events, truth } = generateWorkload(transactions, Date.now());
  out(
    `generated ${events.length} events of ${transactions} transactions in ${((Date.now() - genStart) / 1000).toFixed(1)} s`,
  );

  const files: string[] = [];
  for (let i = 0; i < events.length; i += batchRows) {
    const file = join(dataDir, `batch-${i}.jsonl`);
    writeFileSync(
      file,
      `${events
        .slice(i, i + batchRows)
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`,
    );
    files.push(file);
  }
  // stream: the worker sweeps while the events arrive. restart (default): the events are stored
  // first, then the worker starts as after a restart: it re-derives the recent window, then sweeps.
  if (mode === 'stream') await worker.start();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  for (const file of files) await store.insertFile('business_events', file, 'JSONEachRow');
  const ingestEnd = Date.now();
  const ingestS = (ingestEnd - t0) / 1000;
  const ingestCpu = process.cpuUsage(cpu0);
  out(
    `ingested ${events.length} events in ${ingestS.toFixed(1)} s (${Math.round(events.length / ingestS)} events/s, ${files.length} inserts of ${batchRows}${mode === 'stream' ? ', worker running' : ''})`,
  );
  const cpu1 = process.cpuUsage();
  if (mode !== 'stream') await worker.start();
  const workerStart = mode === 'stream' ? t0 : Date.now();

  // Final: every status derived, shown by a sweep that began after the last insert and found nothing
  // new; the statuses were final when the last sweep that did find work ended.
  let doneAt = workerStart;
  const working: string[] = [];
  let repairMs: number | undefined;
  const final = await until(
    () => {
      const last = worker.last;
      if (last?.stats.kind === 'repair') repairMs ??= last.at - last.startedAt;
      if (last && last.stats.batches > 0 && !working.includes(JSON.stringify(last)))
        working.push(JSON.stringify(last));
      if (!last || last.stats.kind !== 'sweep' || last.startedAt < ingestEnd) return false;
      if (last.stats.batches > 0) doneAt = Math.max(doneAt, last.at);
      return last.stats.batches === 0;
    },
    900_000,
    20,
  );
  const correlateCpu = process.cpuUsage(cpu1);
  if (repairMs !== undefined) out(`  repair check at start: ${(repairMs / 1000).toFixed(1)} s`);
  for (const w of working) {
    const { stats } = JSON.parse(w) as {
      stats: { kind: string; candidates: number; written: number; ms: number; phases?: object };
    };
    out(
      `  ${stats.kind}: ${stats.candidates} transactions derived, ${stats.written} written in ${(stats.ms / 1000).toFixed(1)} s; phases (ms) ${JSON.stringify(stats.phases ?? {})}`,
    );
  }
  const cpuS = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);
  out(
    `CPU seconds of this process (engine threads included): ingest ${cpuS(ingestCpu)}, correlation ${cpuS(correlateCpu)}; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`,
  );
  const correlateS = (doneAt - workerStart) / 1000;
  const totalS = (doneAt - t0) / 1000;
  out(
    mode === 'stream'
      ? `statuses final ${totalS.toFixed(1)} s after the first insert (${((doneAt - ingestEnd) / 1000).toFixed(1)} s after the last)${final ? '' : ' — TIMED OUT'}`
      : `statuses final ${correlateS.toFixed(1)} s after the worker started (repair of the window included)${final ? '' : ' — TIMED OUT'}; ${totalS.toFixed(1)} s after the first insert`,
  );
  out(
    `events correlated per second: ${Math.round(events.length / correlateS)} (goal ≥ 25,000); end to end with ingest: ${Math.round(events.length / totalS)}`,
  );

  const check = await compareWithTruth(store, truth);
  out(
    `statuses matching the generated truth: ${check.mismatches === 0 ? 'all' : 'NOT all'} — ${check.seen} transactions, ${check.mismatches} mismatches`,
  );
  for (const e of check.examples) out(`  ${e}`);

  // p95 of the detail and flow-health queries the API routes run, at this volume.
  const rand = makeRandom(7);
  const keys = [...truth.keys()];
  const snapshot = flows.snapshot();
  const detailMs: number[] = [];
  for (let i = 0; i < queryRuns; i++) {
    const key = keys[Math.floor(rand() * keys.length)] as string;
    const t = performance.now();
    const d = await getTransactionDetail(
      store,
      snapshot,
      { flow: benchFlow.id, key },
      { now: Date.now(), clockSkew },
    );
    detailMs.push(performance.now() - t);
    if (!d) throw new Error(`no detail for ${key}`);
  }
  const healthMs: number[] = [];
  for (let i = 0; i < Math.max(20, queryRuns / 4); i++) {
    const t = performance.now();
    await flowHealth(store, snapshot, { from: Date.now() - 8 * 3_600_000, to: Date.now(), plants: [] });
    healthMs.push(performance.now() - t);
  }
  out(
    `p95 transaction detail: ${p95(detailMs).toFixed(0)} ms over ${detailMs.length} requests (goal ≤ 150 ms)`,
  );
  out(`p95 flow health: ${p95(healthMs).toFixed(0)} ms over ${healthMs.length} requests (goal ≤ 150 ms)`);

  // Missing detection: transactions started live (event time = now) whose next step never comes.
  const probes = 20;
  const within = probeFlow.deadlines[0]?.within as number;
  const probeStart = Date.now();
  const probeEvents = Array.from({ length: probes }, (_, i) => ({
    id: `probe-${i}`,
    time: new Date(probeStart + i * 50).toISOString(),
    flow: probeFlow.id,
    step: 'probe_sent',
    key: `PROBE/${i}`,
    system: 'odoo',
    plant: 'P01',
  }));
  await store.insertRaw(
    'business_events',
    'JSONEachRow',
    probeEvents.map((e) => JSON.stringify(e)).join('\n'),
  );
  const flaggedAt = new Map<string, number>();
  await until(async () => {
    const rows = await store.query<{ key: string }>(sql`
      SELECT key FROM ${store.table('transactions')} FINAL WHERE key IN ${probeEvents.map((e) => e.key)} AND status = 'missing'`);
    for (const r of rows) if (!flaggedAt.has(r.key)) flaggedAt.set(r.key, Date.now());
    return flaggedAt.size === probes;
  }, 60_000);
  const delays = probeEvents.map((e) => (flaggedAt.get(e.key) ?? Number.NaN) - (Date.parse(e.time) + within));
  const worst = Math.max(...delays);
  out(
    `missing step flagged ${(worst / 1000).toFixed(1)} s after its deadline at worst (sweep every ${correlation.sweepInterval / 1000} s; goal ≤ 15 s)${flaggedAt.size < probes ? ` — only ${flaggedAt.size}/${probes} flagged` : ''}`,
  );
  await worker.stop();
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
