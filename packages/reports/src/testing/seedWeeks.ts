import { createCorrelationWorker, FlowRegistry, loadFlows } from '@linewatch/correlation';
import { CorrelationConfigSchema, type Flow } from '@linewatch/schema';
import { generateEvents, toSimFlow, type TransactionTruth } from '@linewatch/simulator';
import type { Store } from '@linewatch/store';

/** The repository's flows (flows/*.yaml). */
export function repoFlows(dir = 'flows'): Flow[] {
  return loadFlows(dir).flows.map((f) => f.flow);
}

const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/**
 * Seeds a store with simulated transactions over [start, start + spanMs) with a fault mix and runs
 * the real correlation worker past every deadline; returns the ground truth and the settled time.
 */
export async function seedSimulatedWeeks(
  store: Store,
  o: { flows: readonly Flow[]; start: number; spanMs: number; transactions: number; seed: number },
): Promise<{ truth: TransactionTruth[]; settledAt: number }> {
  const skew = 120_000;
  const { events, truth } = generateEvents({
    flows: o.flows.map((f) => toSimFlow(f)),
    transactions: o.transactions,
    seed: o.seed,
    start: o.start,
    spanMs: o.spanMs,
    toleranceMs: skew,
    mix: { late: 0.03, missing: 0.03, failed: 0.03, duplicate: 0.02 },
  });
  for (let i = 0; i < events.length; i += 20_000)
    await store.insertRaw(
      'business_events',
      'JSONEachRow',
      events
        .slice(i, i + 20_000)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
  const settledAt = Math.max(...truth.map((t) => Date.parse(t.settledAt)));
  let now = settledAt + skew;
  const worker = createCorrelationWorker({
    store,
    flows: FlowRegistry.fromFlows(o.flows),
    config: { correlation: CorrelationConfigSchema.parse({ clockSkew: skew }) },
    logger: silent,
    now: () => now,
  });
  await worker.repair();
  await worker.sweepOnce();
  // Past the ingest lag hold, so every deadline is judged on the settled clock.
  now += 3_600_000;
  await worker.sweepOnce();
  return { truth, settledAt: now };
}
