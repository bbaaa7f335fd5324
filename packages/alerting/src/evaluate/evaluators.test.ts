import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '@linewatch/schema';
import { connectorRedSamples } from './evaluateConnectorRed.ts';
import { pollerSamples } from './evaluatePollerRule.ts';
import { QueryRuleError, querySamples } from './evaluateQueryRule.ts';
import { sloBurnSamples, sloWindows, type SloWindowRow } from './evaluateSloBurn.ts';

const rule = <K extends AlertRule['kind']>(r: Record<string, unknown> & { kind: K }) =>
  AlertRuleSchema.parse({ id: 'r', ...r }) as Extract<AlertRule, { kind: K }>;

const H = 3_600_000;
const M = 60_000;

describe('slo burn samples', () => {
  const slo = rule({ kind: 'slo_burn', flows: ['goods_movement'] });
  const row = (w: Record<number, [judged: number, bad: number]>): SloWindowRow => ({
    flow: 'goods_movement',
    plant: 'P02',
    windows: Object.fromEntries(Object.entries(w).map(([k, [judged, bad]]) => [k, { judged, bad }])),
    examples: ['GM/1'],
  });
  const all = (judged: number, bad: number) =>
    Object.fromEntries(sloWindows(slo).map((ms) => [ms, [judged, bad]])) as Record<number, [number, number]>;

  it('uses the SRE workbook windows by default, shortest first', () => {
    expect(sloWindows(slo)).toEqual([5 * M, 30 * M, H, 6 * H, 3 * 24 * H]);
  });

  it('pages when the 1 h and 5 m windows both burn faster than 14.4×', () => {
    // 99% on time: 1% budget. 20 of 100 bad: burn 20.
    const [s] = sloBurnSamples(slo, [row(all(100, 20))], () => 0.99);
    expect(s).toMatchObject({ active: true, value: 20, labels: { severity: 'page', plant: 'P02' } });
    expect(s?.examples).toEqual(['GM/1']);
  });

  it('does not page when the short window has recovered (the fix is in)', () => {
    const [s] = sloBurnSamples(
      slo,
      [row({ ...all(100, 20), [5 * M]: [10, 0], [30 * M]: [30, 0] })],
      () => 0.99,
    );
    // Long windows still burn, but 6 h × 6 needs its 30 m window too; the 3 d ticket needs its 6 h at 1×.
    expect(s).toMatchObject({ active: true, labels: { severity: 'ticket' } });
  });

  it('raises only a ticket at a slow burn (2×), nothing within budget', () => {
    expect(sloBurnSamples(slo, [row(all(1000, 20))], () => 0.99)[0]).toMatchObject({
      active: true,
      labels: { severity: 'ticket' },
    });
    expect(sloBurnSamples(slo, [row(all(1000, 5))], () => 0.99)[0]).toMatchObject({
      active: false,
      labels: { severity: 'page' },
    });
  });

  it('gives no verdict below minVolume or without an objective', () => {
    expect(sloBurnSamples(slo, [row(all(9, 9))], () => 0.99)[0]?.active).toBe(false);
    expect(sloBurnSamples(slo, [row(all(100, 50))], () => undefined)).toEqual([]);
  });
});

describe('connector error rate and latency samples', () => {
  const errors = rule({
    kind: 'connector',
    systems: ['*'],
    condition: { measure: 'error_rate', op: '>', threshold: 0.2, minCalls: 20 },
  });
  const c = errors.condition as Extract<typeof errors.condition, { measure: 'error_rate' }>;

  it('judges the error share only with enough calls', () => {
    const [busy, quiet] = connectorRedSamples(c, [
      { system: 'mes', plant: 'P02', calls: 100, errors: 30, p95Ms: 50 },
      { system: 'wms', plant: 'P02', calls: 5, errors: 5, p95Ms: 50 },
    ]);
    expect(busy).toMatchObject({ active: true, value: 0.3, labels: { system: 'mes', plant: 'P02' } });
    expect(quiet).toMatchObject({ active: false, value: 1 });
  });

  it('compares the p95 in milliseconds', () => {
    const slow = rule({
      kind: 'connector',
      systems: ['mes'],
      condition: { measure: 'p95_latency', op: '>', threshold: '5s' },
    });
    const cond = slow.condition as Extract<typeof slow.condition, { measure: 'p95_latency' }>;
    expect(
      connectorRedSamples(cond, [{ system: 'mes', plant: 'P01', calls: 40, errors: 0, p95Ms: 7200 }])[0],
    ).toMatchObject({ active: true, value: 7200, labels: { condition: 'p95_latency' } });
  });
});

describe('poller samples', () => {
  const poller = rule({ kind: 'poller', pollers: ['rabbit*'] });

  it('is down when every scrape in the window failed, and matches names by pattern', () => {
    const samples = pollerSamples(poller, [
      { poller: 'rabbit-p02', pollerType: 'rabbitmq', plant: 'P02', scrapes: 6, ups: 0 },
      { poller: 'rabbit-p01', pollerType: 'rabbitmq', plant: 'P01', scrapes: 6, ups: 1 },
      { poller: 'nats-p01', pollerType: 'nats', plant: 'P01', scrapes: 6, ups: 0 },
    ]);
    expect(samples.map((s) => [s.labels.poller, s.active, s.value])).toEqual([
      ['rabbit-p02', true, 6],
      ['rabbit-p01', false, 5],
    ]);
    expect(samples[0]?.labels).toEqual({
      poller: 'rabbit-p02',
      poller_type: 'rabbitmq',
      plant: 'P02',
      condition: 'poller_down',
    });
  });

  it('names the queue of a down poller that reports one queue, so the alert has a node', () => {
    const samples = pollerSamples(poller, [
      { poller: 'rabbit-a', pollerType: 'rabbitmq', plant: 'P02', scrapes: 4, ups: 0, queues: ['p02.mes.x'] },
      { poller: 'rabbit-b', pollerType: 'rabbitmq', plant: 'P02', scrapes: 4, ups: 0, queues: ['q1', 'q2'] },
      { poller: 'rabbit-c', pollerType: 'rabbitmq', plant: 'P02', scrapes: 4, ups: 0, queues: [] },
    ]);
    expect(samples.map((s) => s.labels.queue)).toEqual(['p02.mes.x', undefined, undefined]);
  });
});

describe('query samples', () => {
  const q = rule({
    kind: 'query',
    query: 'unmatched_by_system',
    column: 'count',
    op: '>',
    threshold: 100,
    labelColumns: ['plant', 'system'],
  });

  it('makes one sample per label set, the largest value counting', () => {
    const samples = querySamples(q, [
      { plant: 'P02', system: 'mes', count: 140 },
      { plant: 'P02', system: 'mes', count: '90' },
      { plant: 'P01', system: 'wms', count: '12' },
    ]);
    expect(samples.map((s) => [s.labels, s.value, s.active])).toEqual([
      [{ plant: 'P02', system: 'mes' }, 140, true],
      [{ plant: 'P01', system: 'wms' }, 12, false],
    ]);
  });

  it('names the rule, query and column when the column is missing or not numeric', () => {
    expect(() => querySamples(q, [{ plant: 'P01' }])).toThrow(
      new QueryRuleError('rule r: column "count" of query "unmatched_by_system" is missing'),
    );
    expect(() => querySamples(q, [{ count: 'many' }])).toThrow(/is not a number/);
  });
});
