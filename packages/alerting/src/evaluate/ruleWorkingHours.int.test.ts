import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRuleSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createAlertEvaluator } from '../createAlertEvaluator.ts';

// Rule working hours in each plant's time zone, through the evaluator over real spans: quiet until the
// rule's window lies wholly inside the hours, firing inside them, resolved when they end.

const MIN = 60_000;
// Wednesday 9 December 2026. Brno (P02, Europe/Prague) is UTC+1, Leeds (P01, Europe/London) UTC+0.
const at = (hh: number, mm: number) => Date.UTC(2026, 11, 9, hh, mm);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
let store: TestStore;
let n = 0;
const hex = (len: number) => (++n).toString(16).padStart(len, '0');

/** A failed MES server span at a plant. */
const failedCall = (plant: string, time: number) => ({
  Timestamp: iso(time),
  TraceId: hex(32),
  SpanId: hex(16),
  ParentSpanId: '',
  SpanName: 'POST /confirm',
  SpanKind: 'Server',
  ServiceName: 'mes',
  ResourceAttributes: { 'service.name': 'mes' },
  SpanAttributes: { 'biz.plant': plant },
  Duration: 20e6,
  StatusCode: 'Error',
});

beforeAll(async () => {
  store = await openTestStore();
  // The MES fails every call, one every 10 s, at both plants from 04:45 to 05:15 UTC and from 20:45
  // to 21:15 UTC (around 06:00 and 22:00 in Brno).
  const spans: object[] = [];
  for (const start of [at(4, 45), at(20, 45)])
    for (let t = start; t < start + 30 * MIN; t += 10_000)
      spans.push(failedCall('P02', t), failedCall('P01', t));
  await store.insert('otel_traces', spans);
});
afterAll(() => store.drop());

const rules = [
  AlertRuleSchema.parse({
    id: 'mes_errors_shift',
    kind: 'connector',
    systems: ['mes'],
    condition: { measure: 'error_rate', op: '>', threshold: 0.2, window: '5m', minCalls: 10 },
    workingHours: { days: [1, 2, 3, 4, 5], from: '06:00', to: '22:00' },
  }),
];

describe('rule working hours', () => {
  it('waits for the window to lie inside the shift, fires in it and resolves when it ends, per plant time zone', async () => {
    const clock = { now: 0 };
    const evaluator = createAlertEvaluator({
      store,
      rules: () => rules,
      flowIds: () => [],
      timeZoneOf: (plant) => (plant === 'P02' ? 'Europe/Prague' : 'Europe/London'),
      tierOf: () => ({ tier: 'P2', reason: 'test' }),
      now: () => clock.now,
    });
    const states = async (now: number) => {
      clock.now = now;
      const { alerts, transitions, failed } = await evaluator.evaluate();
      expect(failed).toEqual([]);
      const open = alerts.map((a) => `${a.plant ?? '-'} ${a.state}`).sort();
      return { open, resolved: transitions.filter((t) => t.to === 'resolved').length };
    };
    // 05:58 in Brno: before the shift, although the MES fails everywhere.
    expect(await states(at(4, 58))).toEqual({ open: [], resolved: 0 });
    // 06:02 in Brno: in the shift, but the 5-minute window began at 05:57.
    expect(await states(at(5, 2))).toEqual({ open: [], resolved: 0 });
    // 06:06 in Brno: the window is inside the shift; 05:06 in Leeds is still night.
    expect(await states(at(5, 6))).toEqual({ open: ['P02 firing'], resolved: 0 });
    // 22:01 in Brno: the shift is over, the alert resolves though the MES still fails; Leeds (21:01)
    // has been in its shift long enough for its own alert.
    expect(await states(at(21, 1))).toEqual({ open: ['P01 firing'], resolved: 1 });
  });
});
