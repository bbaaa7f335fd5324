// The workload of bench:correlate: transactions of one 5-step flow with a known true status each.
import { FlowSchema, type Flow, type TransactionStatus } from '@linewatch/schema';

/** The benchmark's flow: Odoo → middleware → MES → MES → Odoo, keyed by production order. */
export const benchFlow: Flow = FlowSchema.parse({
  id: 'bench_confirmation',
  name: 'Bench confirmation',
  owner: 'bench',
  criticality: 'production',
  key: 'production_order',
  steps: [
    { id: 'mo_released', system: 'odoo' },
    { id: 'release_forwarded', system: 'middleware' },
    { id: 'wo_started', system: 'mes' },
    { id: 'wo_confirmed', system: 'mes' },
    { id: 'mo_done', system: 'odoo' },
  ],
  deadlines: [
    { from: 'mo_released', to: 'release_forwarded', within: '2m' },
    { from: 'release_forwarded', to: 'wo_started', within: '10m' },
    { from: 'wo_started', to: 'wo_confirmed', within: '30m' },
    { from: 'wo_confirmed', to: 'mo_done', within: '5m' },
  ],
  slo: { onTimeTarget: 0.98 },
});

/**
 * The missing-step probe's flow: a 20 s deadline, so the bench can start transactions live (event
 * time = now, as a connector sends them) and wait for the deadline to pass without their next step.
 */
export const probeFlow: Flow = FlowSchema.parse({
  id: 'bench_probe',
  name: 'Bench probe',
  owner: 'bench',
  criticality: 'informational',
  key: 'probe',
  steps: [
    { id: 'probe_sent', system: 'odoo' },
    { id: 'probe_received', system: 'mes' },
  ],
  deadlines: [{ from: 'probe_sent', to: 'probe_received', within: '20s' }],
});

const MIN = 60_000;

/** A deterministic generator (xorshift32), so runs are comparable. */
export function makeRandom(seed: number): () => number {
  let s = seed | 0 || 0x2545f491;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export interface BenchEvent {
  id: string;
  time: string;
  flow?: string;
  step: string;
  key: string;
  keys?: Record<string, string>;
  system: string;
  plant: string;
  outcome: 'ok' | 'failed';
  error_category?: string;
}

/**
 * Generates `transactions` transactions ending at least an hour before `endMs`: 2% late, 1% missing,
 * 1% failed, 0.5% duplicate, the rest completed. Work-order steps are keyed by the work order; the
 * first of them links it to the production order (`keys.production_order`), the second does not.
 * Every event names its flow except the middleware's, which is matched by its step.
 */
export function generateWorkload(
  transactions: number,
  endMs: number,
  seed = 42,
): { events: BenchEvent[]; truth: Map<string, TransactionStatus> } {
  const rand = makeRandom(seed);
  const events: BenchEvent[] = [];
  const truth = new Map<string, TransactionStatus>();
  const span = 6 * 60 * MIN;
  const plants = ['P01', 'P02', 'P03'];
  let eventSeq = 0;
  for (let i = 0; i < transactions; i++) {
    const mo = `MO/${String(i).padStart(7, '0')}`;
    const wo = `WO-${i}`;
    const plant = plants[i % plants.length] as string;
    const start = endMs - 90 * MIN - Math.floor(rand() * span);
    const r = rand();
    const status: TransactionStatus =
      r < 0.02 ? 'late' : r < 0.03 ? 'missing' : r < 0.04 ? 'failed' : r < 0.045 ? 'duplicate' : 'completed';
    truth.set(mo, status);
    // Offsets within deadlines, with margins larger than any clock skew the bench configures (10 s).
    const t1 = start;
    const t2 = t1 + 20_000 + Math.floor(rand() * 60_000);
    const t3 = t2 + MIN + Math.floor(rand() * 7 * MIN);
    let t4 = t3 + 5 * MIN + Math.floor(rand() * 20 * MIN);
    const t5 = () => t4 + 30_000 + Math.floor(rand() * 3 * MIN);
    if (status === 'late') t4 = t3 + 31 * MIN + Math.floor(rand() * 20 * MIN);
    const ev = (step: string, t: number, extra: Partial<BenchEvent> = {}): BenchEvent => ({
      id: `ev-${++eventSeq}`,
      time: new Date(t).toISOString(),
      flow: benchFlow.id,
      step,
      key: mo,
      system: benchFlow.steps.find((s) => s.id === step)?.system ?? 'unknown',
      plant,
      outcome: 'ok',
      ...extra,
    });
    const middleware = ev('release_forwarded', t2);
    delete middleware.flow;
    events.push(
      ev('mo_released', t1),
      middleware,
      ev('wo_started', t3, { key: wo, keys: { production_order: mo } }),
    );
    if (status === 'missing') {
      // wo_confirmed never comes: its 30m deadline passed long ago. mo_done neither.
      continue;
    }
    if (status === 'failed') {
      events.push(ev('wo_confirmed', t4, { key: wo, outcome: 'failed', error_category: 'posting_error' }));
      continue;
    }
    events.push(ev('wo_confirmed', t4, { key: wo }));
    const done = t5();
    events.push(ev('mo_done', done));
    if (status === 'duplicate') events.push(ev('mo_done', done + 1000));
  }
  // Shuffle the arrival order (Fisher–Yates).
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = events[i] as BenchEvent;
    events[i] = events[j] as BenchEvent;
    events[j] = tmp;
  }
  return { events, truth };
}
