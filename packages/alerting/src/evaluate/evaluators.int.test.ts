import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRuleSchema } from '@linewatch/schema';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { createAlertEvaluator } from '../createAlertEvaluator.ts';

// The slo_burn, connector error-rate and latency, poller and query rules against real chDB rows,
// through the evaluator, with rule working hours in the plant's time zone.

const MIN = 60_000;
// Wednesday 9 December 2026, 10:00 UTC (11:00 in Brno).
const NOW = Date.UTC(2026, 11, 9, 10, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
let store: TestStore;
let n = 0;
const hex = (len: number) => (++n).toString(16).padStart(len, '0');

function span(service: string, plant: string, at: number, ms: number, error: boolean) {
  return {
    Timestamp: iso(at),
    TraceId: hex(32),
    SpanId: hex(16),
    ParentSpanId: '',
    SpanName: 'POST /confirm',
    SpanKind: 'Server',
    ServiceName: service,
    ResourceAttributes: { 'service.name': service },
    SpanAttributes: { 'biz.plant': plant },
    Duration: ms * 1e6,
    StatusCode: error ? 'Error' : 'Unset',
  };
}

const up = (poller: string, plant: string, at: number, value: number) => ({
  ResourceAttributes: { 'service.name': 'linewatch-poller' },
  ServiceName: 'linewatch-poller',
  MetricName: 'linewatch.poller.up',
  Attributes: { 'linewatch.poller.name': poller, 'linewatch.poller.type': 'rabbitmq', 'biz.plant': plant },
  StartTimeUnix: iso(at),
  TimeUnix: iso(at),
  Value: value,
});

beforeAll(async () => {
  store = await openTestStore();
  // goods_movement at P02: 100 judged in the last 50 minutes, every fifth late (burn 20 at 99%);
  // at P01: 100 judged, one late (burn 1, within the page rates).
  const tx: object[] = [];
  for (let i = 0; i < 100; i++)
    for (const plant of ['P01', 'P02']) {
      const at = NOW - (i % 50) * MIN - 1000;
      const late = plant === 'P02' ? i % 5 === 0 : i === 0;
      tx.push({
        key: `${plant}/GM/${i}`,
        flow: 'goods_movement',
        plant,
        status: late ? 'late' : 'completed',
        started_at: iso(at - 10 * MIN),
        completed_at: iso(at),
        updated_at: iso(at),
        version: 1,
        is_deleted: 0,
      });
    }
  await store.insert('transactions', tx);
  // The MES of P02 fails 12 of its 40 calls in the last 5 minutes and is slow; P01's is fine.
  const spans: object[] = [];
  for (let i = 0; i < 40; i++) {
    spans.push(span('mes', 'P02', NOW - 4 * MIN + i * 5000, 8000, i % 10 < 3));
    spans.push(span('mes', 'P01', NOW - 4 * MIN + i * 5000, 20, false));
  }
  await store.insert('otel_traces', spans);
  await store.insert('otel_metrics_gauge', [
    up('rmq-p02', 'P02', NOW - 90_000, 0),
    up('rmq-p02', 'P02', NOW - 30_000, 0),
    up('rmq-p01', 'P01', NOW - 90_000, 0),
    up('rmq-p01', 'P01', NOW - 30_000, 1),
  ]);
  // The support webhook failed its last three attempts; the P02 manager's mail failed once, then went out.
  const attempt = (contact: string, type: string, at: number, ok: boolean, error = '') => ({
    notification_id: `n-${contact}-${at}`,
    channel_index: 0,
    channel_type: type,
    contact,
    kind: 'firing',
    alert_ids: ['a1'],
    attempt: 1,
    time: iso(at),
    ok: ok ? 1 : 0,
    detail: '',
    error,
  });
  await store.insert('notification_attempts', [
    attempt('support', 'webhook', NOW - 20 * MIN, true),
    attempt('support', 'webhook', NOW - 10 * MIN, false, 'HTTP 502'),
    attempt('support', 'webhook', NOW - 5 * MIN, false, 'HTTP 503'),
    attempt('support', 'webhook', NOW - 2 * MIN, false, 'network error: ECONNREFUSED'),
    attempt('manager_p02', 'email', NOW - 10 * MIN, false, 'SMTP 451 on RCPT'),
    attempt('manager_p02', 'email', NOW - 9 * MIN, true),
  ]);
});
afterAll(() => store.drop());

const rules = [
  { id: 'gm_burn', kind: 'slo_burn', flows: ['*'] },
  {
    id: 'mes_errors',
    kind: 'connector',
    systems: ['mes'],
    condition: { measure: 'error_rate', op: '>', threshold: 0.2, window: '5m', minCalls: 20 },
  },
  {
    id: 'mes_slow',
    kind: 'connector',
    systems: ['mes'],
    condition: { measure: 'p95_latency', op: '>', threshold: '5s', window: '5m' },
  },
  { id: 'poller_down', kind: 'poller', window: '2m' },
  // 11:00 in Brno is inside 06:00–22:00 on weekdays; in the Lyon rule's night shift it is not.
  {
    id: 'mes_errors_night',
    kind: 'connector',
    systems: ['mes'],
    condition: { measure: 'error_rate', op: '>', threshold: 0.2, window: '5m' },
    workingHours: { days: [1, 2, 3, 4, 5], from: '22:00', to: '06:00' },
  },
  {
    id: 'late_share',
    kind: 'query',
    query: 'late_by_plant',
    column: 'late',
    op: '>=',
    threshold: 10,
    labelColumns: ['plant'],
  },
  { id: 'channel_failing', kind: 'delivery', minFailures: 3 },
].map((r) => AlertRuleSchema.parse(r));

describe('alert evaluators over real rows', () => {
  it('fires the burn, error rate, latency, poller and query rules where their conditions hold', async () => {
    const queries: string[] = [];
    const evaluator = createAlertEvaluator({
      store,
      rules: () => rules,
      flowIds: () => ['goods_movement'],
      sloTargetOf: (flow) => (flow === 'goods_movement' ? 0.99 : undefined),
      timeZoneOf: (plant) => (plant === 'P01' ? 'Europe/Paris' : 'Europe/Prague'),
      runQuery: async (name, params, now) => {
        queries.push(`${name} ${JSON.stringify(params)}`);
        return store.query<Record<string, unknown>>(sql`
          SELECT CAST(plant, 'String') AS plant, countIf(status = 'late') AS late
          FROM ${store.table('transactions')} FINAL
          WHERE completed_at < fromUnixTimestamp64Milli(${sql.param(now, 'Int64')})
          GROUP BY plant ORDER BY plant`);
      },
      tierOf: () => ({ tier: 'P2', reason: 'test' }),
      now: () => NOW,
    });
    const { alerts, failed } = await evaluator.evaluate();
    expect(failed).toEqual([]);
    const firing = alerts
      .filter((a) => a.state === 'firing')
      .map(
        (a) => `${a.rule} ${a.plant ?? '-'} ${a.labels.severity ?? a.labels.poller ?? a.labels.system ?? ''}`,
      )
      .sort();
    expect(firing).toEqual([
      'channel_failing - ',
      'gm_burn P02 page',
      'late_share P02 ',
      'mes_errors P02 mes',
      'mes_slow P02 mes',
      'poller_down P02 rmq-p02',
    ]);
    const burn = alerts.find((a) => a.rule === 'gm_burn');
    expect(burn?.value).toBe(20);
    // Examples are the bad transactions of the shortest window: the ones failing now.
    expect([...(burn?.examples ?? [])].sort()).toEqual(['P02/GM/0', 'P02/GM/50']);
    expect(alerts.find((a) => a.rule === 'mes_errors')?.value).toBe(0.3);
    expect(alerts.find((a) => a.rule === 'mes_slow')?.node).toBe('mes');
    expect(queries).toEqual(['late_by_plant {}']);
    const failing = alerts.find((a) => a.rule === 'channel_failing');
    expect(failing?.labels).toMatchObject({ contact: 'support', channel: 'webhook#1' });
    expect([failing?.value, failing?.examples]).toEqual([3, ['network error: ECONNREFUSED']]);
  });
});
