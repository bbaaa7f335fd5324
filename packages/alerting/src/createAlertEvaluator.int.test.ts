import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRuleSchema } from '@linewatch/schema';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { createAlertEvaluator } from './createAlertEvaluator.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 9, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

let store: TestStore;
const rules = [
  AlertRuleSchema.parse({
    id: 'confirmations-missing',
    kind: 'flow',
    flows: ['*'],
    condition: { status: 'missing', threshold: 0, window: '15m' },
  }),
];
const tierOf = () => ({ tier: 'P1' as const, reason: 'production flow production_confirmation: missing' });

function evaluator(clock: { now: number }) {
  return createAlertEvaluator({
    store,
    rules: () => rules,
    flowIds: () => ['production_confirmation'],
    tierOf,
    now: () => clock.now,
  });
}

beforeAll(async () => {
  store = await openTestStore();
  await store.insert('transactions', [
    {
      key: 'P02/MO/7',
      flow: 'production_confirmation',
      plant: 'P02',
      status: 'missing',
      started_at: iso(T0 - 30 * MIN),
      problem_deadline_at: iso(T0 - MIN),
      updated_at: iso(T0 - MIN),
      version: 1,
      is_deleted: 0,
    },
  ]);
});
afterAll(() => store.drop());

describe('the alert evaluator', () => {
  it('fires, survives a restart without a second transition, and resolves when the window passes', async () => {
    const clock = { now: T0 };
    const first = evaluator(clock);
    const fired = await first.evaluate();
    expect(fired.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['none->firing']);
    const id = fired.alerts[0]?.id;

    clock.now = T0 + MIN;
    expect((await first.evaluate()).transitions).toEqual([]);

    // A new process: state comes back from the store, nothing fires again.
    const restarted = evaluator(clock);
    clock.now = T0 + 2 * MIN;
    const after = await restarted.evaluate();
    expect(after.transitions).toEqual([]);
    expect(after.alerts.map((a) => [a.id, a.state, a.examples])).toEqual([[id, 'firing', ['P02/MO/7']]]);

    clock.now = T0 + 20 * MIN;
    const resolved = await restarted.evaluate();
    expect(resolved.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['firing->resolved']);
    expect(resolved.alerts).toEqual([]);

    const history = await store.query<{ to_state: string }>(
      sql`SELECT to_state FROM ${store.table('alert_events')} WHERE alert_id = ${id ?? ''} ORDER BY time`,
    );
    expect(history.map((h) => h.to_state)).toEqual(['firing', 'resolved']);
    const stored = await store.query<{ state: string }>(
      sql`SELECT state FROM ${store.table('alerts')} FINAL WHERE id = ${id ?? ''}`,
    );
    expect(stored).toEqual([{ state: 'resolved' }]);
  });
});
