import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { queryQueuePoints, queueSamples, wildcardMatch } from './evaluateQueueRule.ts';

type QueueRule = Extract<AlertRule, { kind: 'queue' }>;

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 7, 9, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const queueRule = (condition: object) =>
  AlertRuleSchema.parse({ id: 'q', kind: 'queue', queues: ['p*.mes.*'], condition }) as QueueRule;

let store: TestStore;

beforeAll(async () => {
  store = await openTestStore();
  const rows: object[] = [];
  for (let i = 6; i >= 1; i--) {
    const at = iso(NOW - i * MIN + 5_000);
    const gauge = (queue: string, plant: string, metric: string, value: number) => ({
      ServiceName: 'linewatch-poller',
      MetricName: metric,
      Attributes: { 'queue.name': queue, 'biz.plant': plant },
      TimeUnix: at,
      Value: value,
    });
    rows.push(gauge('p02.mes.production_order_release', 'P02', 'integration.queue.depth', 10 * (7 - i)));
    rows.push(gauge('p02.mes.production_order_release', 'P02', 'integration.queue.oldest_age', 60 * (7 - i)));
    rows.push(gauge('p01.mes.production_order_release', 'P01', 'integration.queue.depth', i % 2 ? 3 : 1));
    rows.push(gauge('p01.odoo.goods_movement', 'P01', 'integration.queue.depth', 500));
  }
  await store.insert('otel_metrics_gauge', rows);
});
afterAll(() => store.drop());

describe('queue rules over the stored gauges', () => {
  it('matches queue names with wildcards', () => {
    expect(wildcardMatch('p*.mes.*', 'p02.mes.production_order_release')).toBe(true);
    expect(wildcardMatch('p*.mes.*', 'p01.odoo.goods_movement')).toBe(false);
  });

  it('fires on a queue that keeps growing and not on one that goes up and down', async () => {
    const r = queueRule({ measure: 'growing', over: '5m', minIncrease: 10 });
    const samples = queueSamples(r, await queryQueuePoints(store, r, NOW));
    expect(samples.map((s) => [s.labels.queue, s.active])).toEqual([
      ['p01.mes.production_order_release', false],
      ['p02.mes.production_order_release', true],
    ]);
  });

  it('compares the latest depth and oldest age with the thresholds', async () => {
    const depth = queueRule({ measure: 'depth', op: '>', threshold: 50 });
    const age = queueRule({ measure: 'oldest_age', op: '>', threshold: '5m' });
    const d = queueSamples(depth, await queryQueuePoints(store, depth, NOW));
    const a = queueSamples(age, await queryQueuePoints(store, age, NOW));
    expect(d.find((s) => s.labels.plant === 'P02')).toMatchObject({ value: 60, active: true });
    expect(a.find((s) => s.labels.plant === 'P02')).toMatchObject({ value: 360, active: true });
    expect(d.find((s) => s.labels.plant === 'P01')?.active).toBe(false);
  });
});
