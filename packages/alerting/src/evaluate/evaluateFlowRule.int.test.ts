import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { flowRuleSamples, queryFlowCounts } from './evaluateFlowRule.ts';

type FlowRule = Extract<AlertRule, { kind: 'flow' }>;

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 7, 9, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

let store: TestStore;

function rule(condition: Record<string, unknown>, plants: string[] = []): FlowRule {
  return AlertRuleSchema.parse({
    id: 'confirmations',
    kind: 'flow',
    flows: ['production_confirmation'],
    plants,
    condition,
  }) as FlowRule;
}

beforeAll(async () => {
  store = await openTestStore();
  const tx = (key: string, plant: string, status: string, judgedAt: number, extra: object = {}) => ({
    key,
    flow: 'production_confirmation',
    plant,
    status,
    started_at: iso(judgedAt - 20 * MIN),
    problem_deadline_at: status === 'missing' || status === 'late' ? iso(judgedAt) : null,
    completed_at: status === 'completed' ? iso(judgedAt) : null,
    updated_at: iso(judgedAt),
    version: 1,
    is_deleted: 0,
    ...extra,
  });
  await store.insert('transactions', [
    tx('P02/MO/1', 'P02', 'missing', NOW - 2 * MIN),
    tx('P02/MO/2', 'P02', 'missing', NOW - 5 * MIN),
    tx('P02/MO/3', 'P02', 'completed', NOW - 3 * MIN),
    tx('P02/MO/4', 'P02', 'completed', NOW - 4 * MIN),
    tx('P02/MO/5', 'P02', 'missing', NOW - 40 * MIN), // outside a 15-minute window
    tx('P01/MO/1', 'P01', 'completed', NOW - 2 * MIN),
    tx('P01/MO/2', 'P01', 'failed', NOW - 2 * MIN, { error_category: 'auth' }),
    tx('P01/MO/3', 'P01', 'in_progress', NOW - 1 * MIN),
    // A newer version of MO/4 at P02 turned it into a duplicate: FINAL reads only that one.
    { ...tx('P02/MO/4', 'P02', 'duplicate', NOW - 1 * MIN), version: 2 },
  ]);
});
afterAll(() => store.drop());

describe('flow rules over the transaction store', () => {
  it('counts missing transactions per plant over the window, with example keys', async () => {
    const r = rule({ status: 'missing', op: '>=', threshold: 2, window: '15m' });
    const samples = flowRuleSamples(r, await queryFlowCounts(store, r, r.flows, NOW));
    const p02 = samples.find((s) => s.labels.plant === 'P02');
    expect(p02).toMatchObject({ value: 2, active: true, transactions: 2 });
    expect([...(p02?.examples ?? [])].sort()).toEqual(['P02/MO/1', 'P02/MO/2']);
    expect(samples.find((s) => s.labels.plant === 'P01')).toMatchObject({ value: 0, active: false });
  });

  it('measures a ratio of the judged transactions, not counting those still in progress', async () => {
    const r = rule({ status: 'failed', measure: 'ratio', op: '>', threshold: 0.4, window: '15m' });
    const samples = flowRuleSamples(r, await queryFlowCounts(store, r, r.flows, NOW));
    expect(samples.find((s) => s.labels.plant === 'P01')).toMatchObject({ value: 0.5, active: true });
  });

  it('filters failures by error category and the rule by plant', async () => {
    const auth = rule({ status: 'failed', errorCategories: ['auth'], threshold: 0 }, ['P01']);
    const other = rule({ status: 'failed', errorCategories: ['master_data'], threshold: 0 }, ['P01']);
    const hit = flowRuleSamples(auth, await queryFlowCounts(store, auth, auth.flows, NOW));
    expect(hit.map((s) => [s.labels.plant, s.active])).toEqual([['P01', true]]);
    const none = flowRuleSamples(other, await queryFlowCounts(store, other, other.flows, NOW));
    expect(none.every((s) => !s.active)).toBe(true);
  });

  it('reads the latest version of a transaction only', async () => {
    const r = rule({ status: 'duplicate', threshold: 0 });
    const samples = flowRuleSamples(r, await queryFlowCounts(store, r, r.flows, NOW));
    expect(samples.find((s) => s.labels.plant === 'P02')).toMatchObject({ value: 1, examples: ['P02/MO/4'] });
  });
});
