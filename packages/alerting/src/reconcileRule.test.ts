import { describe, expect, it } from 'vitest';
import { AlertRuleSchema } from '@linewatch/schema';
import type { RuleSample } from './evaluate/evaluateFlowRule.ts';
import { fingerprintOf, reconcileRule, type AlertRecord } from './reconcileRule.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 9);
const rule = AlertRuleSchema.parse({
  id: 'confirmations-missing',
  kind: 'flow',
  flows: ['production_confirmation'],
  for: '2m',
  labels: { team: 'manufacturing-it' },
  condition: { status: 'missing', threshold: 0 },
});
const tierOf = () => ({ tier: 'P1' as const, reason: 'production flow production_confirmation: missing' });
const sample = (plant: string, value: number): RuleSample => ({
  labels: { flow: 'production_confirmation', plant, status: 'missing' },
  value,
  active: value > 0,
  examples: value > 0 ? [`${plant}/MO/1`] : [],
  transactions: value,
});

function evaluate(rounds: RuleSample[][]) {
  let state = new Map<string, AlertRecord>();
  const log: string[] = [];
  rounds.forEach((samples, i) => {
    const { alerts, transitions } = reconcileRule(rule, samples, state, T0 + i * MIN, tierOf);
    state = new Map([...state, ...alerts.map((a) => [a.fingerprint, a] as const)]);
    for (const t of transitions) log.push(`${i}:${t.from}->${t.to}`);
  });
  return { state, log };
}

describe('reconcileRule', () => {
  it('keeps one alert per plant through pending and firing, labelled with the rule and its labels', () => {
    const { state, log } = evaluate([[sample('P02', 2)], [sample('P02', 3)], [sample('P02', 4)]]);
    expect(log).toEqual(['0:none->pending', '2:pending->firing']);
    const alert = state.get(fingerprintOf(rule.id, sample('P02', 1).labels));
    expect(alert).toMatchObject({
      state: 'firing',
      plant: 'P02',
      flow: 'production_confirmation',
      value: 4,
      tier: 'P1',
      examples: ['P02/MO/1'],
      labels: { rule: 'confirmations-missing', team: 'manufacturing-it', plant: 'P02' },
    });
  });

  it('resolves an alert whose label set is no longer reported', () => {
    const { log } = evaluate([[sample('P02', 2)], [sample('P02', 2)], [sample('P02', 2)], []]);
    expect(log).toEqual(['0:none->pending', '2:pending->firing', '3:firing->resolved']);
  });

  it('gives a new episode a new id', () => {
    const first = evaluate([[sample('P01', 1)], [sample('P01', 1)], [sample('P01', 1)], [sample('P01', 0)]]);
    const firstId = [...first.state.values()][0]?.id;
    const again = reconcileRule(rule, [sample('P01', 1)], first.state, T0 + 10 * MIN, tierOf);
    expect(again.alerts[0]?.state).toBe('pending');
    expect(again.alerts[0]?.id).not.toBe(firstId);
  });

  it('stores nothing for a label set that was never active', () => {
    expect(evaluate([[sample('P03', 0)], [sample('P03', 0)]]).state.size).toBe(0);
  });
});
