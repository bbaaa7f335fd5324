// The issue's end-to-end check: a seeded simulated hour at x60 with every fault scenario, sent through
// the real receivers of a `linewatch start` process (defaultComponents) whose clock is the
// simulator's. Every transaction of the ground truth must reach its predicted status in the API, and
// every scenario's effects must show (missing, late, failed with the category, duplicates, queues).
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlows } from '@linewatch/correlation';
import { parseDuration, TransactionListSchema, type TransactionSummary } from '@linewatch/schema';
import {
  createNetworkSink,
  createSimulator,
  demoTargets,
  SCENARIO_NAMES,
  scheduleScenarios,
  toSimFlow,
  type ScenarioTruth,
  type Simulator,
  type TransactionTruth,
  type TruthLine,
} from '@linewatch/simulator';
import { sql } from '@linewatch/store';
import { defaultComponents } from '../../apps/server/src/main.ts';
import { startLinewatch, type RunningLinewatch } from '../../apps/server/src/runtime.ts';
import { simulatedPlantConfig } from './support/simulatedPlantConfig.ts';
import { pollUntil } from '../support/linewatchProcess.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const flows = loadFlows('flows').flows.map((f) => toSimFlow(f.flow));
const base = `lwe2e${randomBytes(4).toString('hex')}`;
// A fixed point of the plant rhythm (a Tuesday to Thursday at 10:00 UTC, day shift, in the past
// week), so the simulated hour's volume, and which transactions each scenario hits, do not depend
// on when the test runs (at night the estate is quiet and a scenario window may catch nothing).
const start = (() => {
  const d = new Date(Date.now() - 27 * HOUR);
  while (![2, 3, 4].includes(d.getUTCDay())) d.setUTCDate(d.getUTCDate() - 1);
  d.setUTCHours(10, 0, 0, 0);
  return d.getTime();
})();
const skew = 120_000;

let lw: RunningLinewatch;
let sim: Simulator | undefined;
/** After the run, the test moves the engine's clock past every deadline; from there it runs on. */
let clockOverride: (() => number) | undefined;
const truth: TruthLine[] = [];
let api: TransactionSummary[] = [];

async function listTransactions(): Promise<TransactionSummary[]> {
  const out: TransactionSummary[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({
      from: new Date(start - HOUR).toISOString(),
      to: new Date(start + 30 * HOUR).toISOString(),
      limit: '500',
      ...(cursor ? { cursor } : {}),
    });
    const res = await fetch(`${lw.apiUrl}/api/v1/transactions?${q.toString()}`);
    expect(res.status).toBe(200);
    const page = TransactionListSchema.parse(await res.json());
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const txns = () => truth.filter((l): l is TransactionTruth => l.type === 'transaction');
const scenarios = () => truth.filter((l): l is ScenarioTruth => l.type === 'scenario');
const mismatches = () => {
  const byId = new Map(api.map((t) => [`${t.flow}|${t.key}`, t]));
  return txns()
    .map((t) => ({ t, a: byId.get(`${t.flow}|${t.key}`) }))
    .filter(
      ({ t, a }) =>
        !a || a.status !== t.status || (t.status === 'failed' && a.errorCategory !== t.errorCategory),
    )
    .map(
      ({ t, a }) =>
        `${t.flow} ${t.key} (${t.plant}, ${t.scenario ?? 'no scenario'}): truth ${t.status} ${t.errorCategory ?? ''} "${t.reason}", api ${a ? `${a.status} ${a.errorCategory ?? ''} "${a.reason}"` : 'absent'}`,
    );
};

beforeAll(async () => {
  const config = simulatedPlantConfig(flows, base, {
    correlation: { clockSkew: skew, sweepInterval: '1s' },
  });
  lw = await startLinewatch({
    config,
    logger: pino({ level: process.env.LINEWATCH_TEST_LOG ?? 'silent' }),
    components: defaultComponents(),
    now: () => clockOverride?.() ?? sim?.clock.now() ?? start,
  });
  const collector = lw.components.find((c) => c.name === 'collector') as unknown as {
    addresses(): { otlpHttp: string };
    pipeline: { flush(ms: number): Promise<boolean> };
  };
  const targets = demoTargets(config.collector, collector.addresses().otlpHttp);
  const sink = await createNetworkSink({ targets, flows, seed: base, logger: pino({ level: 'silent' }) });
  sim = createSimulator({
    flows,
    sink,
    seed: 11,
    speed: 60,
    start,
    durationMs: HOUR,
    scenarios: scheduleScenarios([...SCENARIO_NAMES], start, HOUR, parseDuration),
    toleranceMs: skew,
    odooWebhooks: true,
    truth: (l) => truth.push(l),
  });
  sim.start();
  await sim.drained;
  const settled = sim.settledAt();
  await sim.stop();
  expect(await collector.pipeline.flush(60_000)).toBe(true);
  // Every status is final after the last deadline plus the tolerance: move the engine's clock there.
  // It keeps running, so the lag of the last batches (they arrive behind the jumped clock) lapses
  // after correlation.ingestLagHold, as it would in a live plant.
  const jumpedAt = Date.now();
  clockOverride = () => settled + skew + 5 * MIN + (Date.now() - jumpedAt);
  api = await pollUntil(
    async () => {
      const list = await listTransactions();
      api = list;
      return mismatches().length === 0 ? list : undefined;
    },
    180_000,
    'every transaction at its predicted status',
  ).catch(() => api);
}, 600_000);

afterAll(async () => {
  // Stop the components first: dropping the database under a running sweep waits on its queries.
  // The database lives in this worker's temporary data directory.
  await lw?.stop();
}, 180_000);

describe('a seeded simulated hour with every scenario, end to end', () => {
  it('plays every scenario and hundreds of transactions', () => {
    expect(
      scenarios()
        .map((s) => s.name)
        .sort(),
    ).toEqual([...SCENARIO_NAMES].sort());
    expect(txns().length).toBeGreaterThan(500);
  });

  it('brings every transaction of the truth file to its predicted status in the API', () => {
    expect(mismatches().slice(0, 15)).toEqual([]);
    expect(api.length).toBe(txns().length);
  });

  it('shows each scenario where and when it ran', () => {
    const count = (name: string, status: string, category?: string) =>
      txns().filter(
        (t) => t.scenario === name && t.status === status && (!category || t.errorCategory === category),
      ).length;
    const apiCount = (status: string, pred: (t: TransactionSummary) => boolean) =>
      api.filter((t) => t.status === status && pred(t)).length;
    const window = (name: string) => {
      const s = scenarios().find((x) => x.name === name)!;
      return (t: TransactionSummary) =>
        Date.parse(t.startedAt) >= Date.parse(s.from) - 30 * MIN &&
        Date.parse(t.startedAt) < Date.parse(s.to!);
    };
    expect(count('connector-outage', 'missing')).toBeGreaterThan(0);
    expect(
      apiCount('missing', (t) => t.plant === 'P02' && window('connector-outage')(t)),
    ).toBeGreaterThanOrEqual(count('connector-outage', 'missing'));
    expect(count('slow-consumer', 'late')).toBeGreaterThan(0);
    expect(apiCount('late', (t) => t.plant === 'P01' && window('slow-consumer')(t))).toBeGreaterThanOrEqual(
      count('slow-consumer', 'late'),
    );
    expect(apiCount('failed', (t) => t.errorCategory === 'malformed_message')).toBe(
      count('poison-messages', 'failed', 'malformed_message'),
    );
    expect(count('poison-messages', 'failed')).toBeGreaterThan(0);
    expect(apiCount('duplicate', window('duplicate-deliveries'))).toBeGreaterThanOrEqual(
      count('duplicate-deliveries', 'duplicate'),
    );
    expect(count('duplicate-deliveries', 'duplicate')).toBeGreaterThan(0);
    expect(apiCount('failed', (t) => t.errorCategory === 'auth')).toBe(
      count('expired-credential', 'failed', 'auth'),
    );
    expect(count('expired-credential', 'failed')).toBeGreaterThan(0);
    expect(apiCount('failed', (t) => t.errorCategory === 'master_data')).toBe(
      count('master-data-error', 'failed', 'master_data'),
    );
    expect(count('master-data-error', 'failed') + count('master-data-error', 'recovered')).toBeGreaterThan(0);
    expect(count('partner-latency', 'late')).toBeGreaterThan(0);
    // Clock skew changes no status: its transactions complete.
    expect(
      txns()
        .filter((t) => t.scenario === 'clock-skew')
        .every((t) => t.status !== 'late' && t.status !== 'missing'),
    ).toBe(true);
  });

  it('shows the queue behind the slow consumer climbing during its window', async () => {
    const s = scenarios().find((x) => x.name === 'slow-consumer')!;
    const queue = s.queues[0]!;
    const [row] = await lw.store.query<{ before: number; during: number; age: number }>(
      sql`SELECT maxIf(Value, TimeUnix < ${new Date(s.from)}) AS before,
                 maxIf(Value, TimeUnix >= ${new Date(s.from)} AND TimeUnix < ${new Date(s.to!)}) AS during,
                 0 AS age
          FROM ${lw.store.table('otel_metrics_gauge')}
          WHERE MetricName = 'integration.queue.depth' AND Attributes['queue.name'] = ${queue}`,
    );
    expect(row!.during).toBeGreaterThan(row!.before + 3);
  });
});
