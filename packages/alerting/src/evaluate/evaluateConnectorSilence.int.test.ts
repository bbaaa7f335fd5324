import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { queryLastSeen, silenceSamples } from './evaluateConnectorSilence.ts';

type ConnectorRule = Extract<AlertRule, { kind: 'connector' }>;

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 7, 9, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

let store: TestStore;
const rule = AlertRuleSchema.parse({
  id: 'mes-silent',
  kind: 'connector',
  systems: ['mes', 'odoo'],
  condition: { measure: 'silence', window: '5m', lookback: '1h' },
}) as ConnectorRule;

beforeAll(async () => {
  store = await openTestStore();
  const ev = (id: string, system: string, plant: string, at: number) => ({
    id,
    time: iso(at),
    flow: 'production_confirmation',
    step: 'wo_confirmed',
    key: `${plant}/MO/${id}`,
    system,
    plant,
  });
  await store.insert('business_events', [
    ev('1', 'mes', 'P01', NOW - 1 * MIN),
    ev('2', 'mes', 'P02', NOW - 12 * MIN), // silent for 12 minutes
    ev('3', 'odoo', 'P02', NOW - 2 * MIN),
    ev('4', 'mes', 'P03', NOW - 3 * 60 * MIN), // beyond the lookback: not expected
    ev('5', 'wms', 'P02', NOW - 30 * MIN), // not one of the rule's systems
  ]);
});
afterAll(() => store.drop());

describe('connector silence', () => {
  it('finds the system that went quiet at one plant and leaves the others', async () => {
    const samples = silenceSamples(await queryLastSeen(store, rule, NOW), 5 * MIN, NOW);
    expect(samples.map((s) => [s.labels.system, s.labels.plant, s.active, s.value])).toEqual([
      ['mes', 'P01', false, 1],
      ['mes', 'P02', true, 12],
      ['odoo', 'P02', false, 2],
    ]);
  });
});
