import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImpactGraph } from '@linewatch/correlation';
import { AlertRuleSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createAlertEvaluator } from '../createAlertEvaluator.ts';
import { queryPollerScrapes } from './evaluatePollerRule.ts';

// A down poller's alert is about the queue it reports (node messaging:<queue>), so it becomes the
// cause of the flow alerts that depend on that queue; real gauges and transactions on chDB.

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 9, 10, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const RELEASE_QUEUE = 'p02.mes.production_order_release';

// The collector's rows (collector/src/pollers): poller name and type on the resource, plant and the
// queue on the point.
const gauge = (poller: string, metric: string, at: number, value: number, attrs: Record<string, string>) => ({
  ResourceAttributes: {
    'service.name': 'linewatch-poller',
    'linewatch.poller.name': poller,
    'linewatch.poller.type': 'rabbitmq',
  },
  ServiceName: 'linewatch-poller',
  MetricName: metric,
  Attributes: attrs,
  StartTimeUnix: iso(at),
  TimeUnix: iso(at),
  Value: value,
});
const up = (poller: string, at: number, value: number) =>
  gauge(poller, 'linewatch.poller.up', at, value, {
    'linewatch.poller.name': poller,
    'linewatch.poller.type': 'rabbitmq',
    'biz.plant': 'P02',
  });
const depth = (poller: string, queue: string, at: number) =>
  gauge(poller, 'integration.queue.depth', at, 3, { 'queue.name': queue, 'biz.plant': 'P02' });

const graph: ImpactGraph = {
  nodes: [
    { id: 'odoo', kind: 'service' },
    { id: 'mes', kind: 'service' },
    { id: `messaging:${RELEASE_QUEUE}`, kind: 'messaging' },
  ],
  edges: [
    { source: 'odoo', target: `messaging:${RELEASE_QUEUE}`, kinds: ['messaging'], flows: [] },
    { source: `messaging:${RELEASE_QUEUE}`, target: 'mes', kinds: ['messaging'], flows: [] },
    { source: 'odoo', target: 'mes', kinds: ['flow'], flows: ['production_order_release'] },
  ],
  flows: [
    {
      flow: 'production_order_release',
      criticality: 'production',
      plants: ['P02'],
      systems: ['odoo', 'mes'],
    },
  ],
};

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
  await store.insert('otel_metrics_gauge', [
    // rmq-release reported its one queue two days ago and has failed every scrape of the window.
    depth('rmq-release', RELEASE_QUEUE, NOW - 2 * 24 * 60 * MIN),
    up('rmq-release', NOW - 90_000, 0),
    up('rmq-release', NOW - 30_000, 0),
    // rmq-vhost reports a whole vhost and is down too: no single node.
    depth('rmq-vhost', 'p02.a', NOW - 10 * MIN),
    depth('rmq-vhost', 'p02.b', NOW - 10 * MIN),
    up('rmq-vhost', NOW - 30_000, 0),
    // rmq-fine scraped once successfully in the window.
    depth('rmq-fine', 'p02.c', NOW - 30_000),
    up('rmq-fine', NOW - 90_000, 0),
    up('rmq-fine', NOW - 30_000, 1),
  ]);
  await store.insert('transactions', [
    {
      key: 'P02/MO/9',
      flow: 'production_order_release',
      plant: 'P02',
      status: 'missing',
      started_at: iso(NOW - 30 * MIN),
      problem_deadline_at: iso(NOW - 2 * MIN),
      updated_at: iso(NOW - 2 * MIN),
      version: 1,
      is_deleted: 0,
    },
  ]);
});
afterAll(() => store.drop());

const rules = [
  { id: 'poller_down', kind: 'poller', window: '2m' },
  {
    id: 'release_missing',
    kind: 'flow',
    flows: ['production_order_release'],
    condition: { status: 'missing', threshold: 0, window: '15m' },
  },
].map((r) => AlertRuleSchema.parse(r));

describe('poller rules over the collector gauges', () => {
  it('looks up the queues of the down pollers only', async () => {
    const rule = rules[0];
    if (rule?.kind !== 'poller') throw new Error('expected the poller rule');
    const rows = await queryPollerScrapes(store, rule, NOW);
    expect(rows.map((r) => [r.poller, r.scrapes, r.ups, [...(r.queues ?? [])].sort()]).sort()).toEqual([
      ['rmq-fine', 2, 1, []],
      ['rmq-release', 2, 0, [RELEASE_QUEUE]],
      ['rmq-vhost', 1, 0, ['p02.a', 'p02.b']],
    ]);
  });

  it('makes a down poller the cause of the flow alerts behind its queue', async () => {
    const evaluator = createAlertEvaluator({
      store,
      rules: () => rules,
      flowIds: () => ['production_order_release'],
      tierOf: () => ({ tier: 'P1', reason: 'test' }),
      graph: () => Promise.resolve(graph),
      now: () => NOW,
    });
    const { alerts } = await evaluator.evaluate();
    const pollers = alerts
      .filter((a) => a.rule === 'poller_down')
      .map((a) => [a.labels.poller, a.state, a.node])
      .sort();
    expect(pollers).toEqual([
      ['rmq-release', 'firing', `messaging:${RELEASE_QUEUE}`],
      ['rmq-vhost', 'firing', null],
    ]);
    const cause = alerts.find((a) => a.labels.poller === 'rmq-release');
    const missing = alerts.find((a) => a.rule === 'release_missing');
    expect(missing?.state).toBe('firing');
    expect(missing?.causeId).toBe(cause?.id);
  });
});
