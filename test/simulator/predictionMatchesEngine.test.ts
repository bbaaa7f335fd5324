// The simulator's ground truth is computed from its own plan; this checks it against the
// correlation engine's pure status rules on the real flows, so a disagreement shows up here and not
// as a flaky end-to-end run.
import { describe, expect, it } from 'vitest';
import {
  evaluateTransaction,
  loadFlows,
  summarizeEvents,
  type CorrelationEvent,
} from '@linewatch/correlation';
import { parseDuration, type BusinessEventInput } from '@linewatch/schema';
import {
  DEFAULT_START,
  generateEvents,
  SCENARIO_NAMES,
  scheduleScenarios,
  toSimFlow,
} from '@linewatch/simulator';

const { flows, problems } = loadFlows('flows');
const HOUR = 3_600_000;

function engineStatuses(events: BusinessEventInput[], now: number) {
  const byFlow = new Map(flows.map((f) => [f.flow.id, f.flow]));
  const groups = new Map<string, CorrelationEvent[]>();
  for (const e of events) {
    const flow = byFlow.get(e.flow as string)!;
    // Child events (fan-out) carry the transaction's key in keys.<flow key>.
    const key = e.keys?.[flow.key] ?? e.key;
    const id = `${flow.id}|${key}`;
    const list = groups.get(id) ?? [];
    list.push({
      id: e.id,
      time: Date.parse(e.time),
      step: e.step,
      key: e.key,
      system: e.system,
      plant: e.plant,
      outcome: e.outcome ?? 'ok',
      ...(e.error_category ? { errorCategory: e.error_category } : {}),
      ...(e.attributes ? { attributes: e.attributes } : {}),
    });
    groups.set(id, list);
  }
  const out = new Map<string, { status: string; errorCategory: string | null }>();
  for (const [id, list] of groups) {
    const [flowId, key] = id.split('|') as [string, string];
    const r = evaluateTransaction(byFlow.get(flowId)!, key, summarizeEvents(list), now, {
      clockSkew: 120_000,
    });
    out.set(id, { status: r.status, errorCategory: r.errorCategory });
  }
  return out;
}

describe('the simulator ground truth', () => {
  it('loads the example flows without problems', () => {
    expect(problems).toEqual([]);
    expect(flows.length).toBeGreaterThanOrEqual(7);
  });

  it('agrees with the engine status rules for every transaction of a faulty seeded day', () => {
    const scenarios = scheduleScenarios([...SCENARIO_NAMES], DEFAULT_START, 4 * HOUR, parseDuration);
    const { events, truth } = generateEvents({
      flows: flows.map((f) => toSimFlow(f.flow)),
      transactions: 6_000,
      seed: 3,
      spanMs: 4 * HOUR,
      scenarios,
      mix: { late: 0.02, missing: 0.02, failed: 0.02, duplicate: 0.01 },
    });
    const engine = engineStatuses(events, DEFAULT_START + 72 * HOUR);
    const disagreements = truth
      .map((t) => ({ t, e: engine.get(`${t.flow}|${t.key}`) }))
      .filter(
        ({ t, e }) =>
          !e || e.status !== t.status || (t.status === 'failed' && e.errorCategory !== t.errorCategory),
      )
      .map(
        ({ t, e }) =>
          `${t.flow} ${t.key}: truth ${t.status}/${t.errorCategory ?? ''} (${t.reason}), engine ${e?.status}/${e?.errorCategory ?? ''}`,
      );
    expect(disagreements.slice(0, 10)).toEqual([]);
    const statuses = new Set(truth.map((t) => t.status));
    for (const s of ['completed', 'late', 'missing', 'failed', 'recovered', 'duplicate'])
      expect(statuses, s).toContain(s);
    expect(new Set(truth.flatMap((t) => (t.scenario ? [t.scenario] : []))).size).toBe(SCENARIO_NAMES.length);
  });
});
