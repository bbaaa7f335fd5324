import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NamedQueryListSchema, QueryResultSchema, type Dashboard } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createHttpApp } from '../app.ts';
import { createToken } from '../auth.ts';
import { AccessControl } from '../access/verifier.ts';
import { namedQueries } from '../dashboards/namedQueries.ts';
import { registerDashboardRoutes } from './dashboards.ts';

// The top of the current hour: linewatch_self keeps 7 days (retention.self), so a fixed date in the
// past would have its rows dropped by the TTL once it is a week old.
const NOW = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const HOUR_BEFORE = new Date(NOW - 3_600_000).toISOString().slice(0, 13);
const iso = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString().replace('Z', '000000Z');

type Row = Record<string, string | number | null>;
/** The union of the answers these routes give, loosely typed for assertions. */
interface Body {
  rows: Row[];
  panels: { query: string }[];
  error: { code: string; message: string };
}

let store: TestStore;
const reader = createToken('reader', ['read'], []);
const lyonOnly = createToken('lyon', ['read'], ['lyon']);

const dashboard: Dashboard = {
  id: 'shift',
  title: 'Shift',
  variables: [],
  panels: [{ title: 'Events', type: 'stat', query: 'event_totals', params: {}, y: ['events'], width: 3 }],
};

function app() {
  const { app, router } = createHttpApp({
    logger: pino({ level: 'silent' }),
    access: new AccessControl({ staticTokens: [reader.entry, lyonOnly.entry] }),
  });
  registerDashboardRoutes(router, { store, dashboards: [dashboard], now: () => NOW });
  return app;
}
const get = async (path: string, token = reader.token) => {
  const res = await app().request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Body };
};

beforeAll(async () => {
  store = await openTestStore();
  const ev = (
    id: string,
    minutesAgo: number,
    plant: string,
    system: string,
    outcome = 'ok',
    step = 'confirm',
  ) => ({
    id,
    time: iso(minutesAgo),
    flow: 'mo_confirmation',
    step,
    key: `MO/${id}`,
    keys: {},
    system,
    plant,
    outcome,
    error_category: outcome === 'ok' ? '' : 'timeout',
    error_message: outcome === 'ok' ? '' : 'MES did not answer',
    attributes: {},
    trace_id: '',
    span_id: '',
    source: 'api',
  });
  await store.insert('business_events', [
    ev('e1', 30, 'lyon', 'mes'),
    ev('e2', 20, 'lyon', 'mes', 'failed'),
    ev('e2', 20, 'lyon', 'mes', 'failed'), // resent: counted once
    ev('e3', 10, 'porto', 'wms'),
    ev('e4', 5, 'porto', 'wms', 'dead_lettered', 'ship'),
    ev('old', 60 * 48, 'lyon', 'mes'), // outside the default 6h range
  ]);
  const span = (svc: string, ms: number, status: string) => ({
    Timestamp: iso(15),
    TraceId: 'a'.repeat(32),
    SpanId: Math.random().toString(16).slice(2, 18).padEnd(16, '0'),
    ServiceName: svc,
    SpanName: 'POST /confirm',
    SpanKind: 'Server',
    Duration: ms * 1e6,
    StatusCode: status,
  });
  await store.insert('otel_traces', [span('mes-connector', 10, 'Ok'), span('mes-connector', 30, 'Error')]);
  await store.insert('linewatch_self', [
    {
      time: iso(3),
      instance: 'i',
      component: 'events',
      signal: 'events',
      measure: 'accepted',
      reason: '',
      value: 5,
    },
    {
      time: iso(3),
      instance: 'i',
      component: 'events',
      signal: 'events',
      measure: 'rejected',
      reason: 'invalid',
      value: 1,
    },
  ]);
  const tx = (key: string, status: string, e2e: number | null, plant = 'lyon') => ({
    key,
    flow: 'mo_confirmation',
    plant,
    status,
    reason: '',
    started_at: iso(40),
    completed_at: e2e === null ? null : iso(30),
    e2e_ms: e2e,
    late_by_ms: null,
    problem_deadline_at: null,
    problem_step: '',
    error_category: '',
    next_deadline_at: null,
    next_check_at: null,
    steps_done: 1,
    steps_total: 2,
    linked_keys: [],
    updated_at: iso(1),
    version: 1,
    is_deleted: 0,
  });
  await store.insert('transactions', [
    tx('MO/1', 'completed', 1000),
    tx('MO/2', 'completed', 3000),
    tx('MO/3', 'missing', null),
    { ...tx('MO/3', 'failed', null), version: 2 }, // a later version replaces the first
    tx('MO/4', 'late', 9000, 'porto'),
  ]);
  await store.insert('business_events', [
    { ...ev('s1', 50, 'lyon', 'mes', 'ok', 'released'), key: 'MO/S' },
    { ...ev('s2', 45, 'lyon', 'mes', 'ok', 'confirm'), key: 'MO/S' },
  ]);
  await store.insert('otel_metrics_gauge', [
    {
      MetricName: 'linewatch.queue.depth',
      TimeUnix: iso(2),
      Value: 42,
      Attributes: { 'queue.name': 'orders' },
    },
  ]);
});
afterAll(() => store?.drop());

describe('dashboard routes', () => {
  it('lists dashboards and serves one with its panels', async () => {
    const list = await get('/api/v1/dashboards');
    expect(list.body).toEqual({ dashboards: [{ id: 'shift', title: 'Shift', panels: 1 }] });
    const one = await get('/api/v1/dashboards/shift');
    expect(one.body.panels[0]?.query).toBe('event_totals');
    const missing = await get('/api/v1/dashboards/nope');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'dashboard_not_found' } } });
  });

  it('lists the named queries with their parameters and columns', async () => {
    const { body } = await get('/api/v1/queries');
    const parsed = NamedQueryListSchema.parse(body);
    expect(parsed.queries.map((q) => q.name)).toEqual([...namedQueries.keys()]);
    expect(parsed.queries.find((q) => q.name === 'event_totals')?.params[0]).toMatchObject({
      name: 'range',
      default: '6h',
    });
  });

  it('runs every named query with its default parameters against the real schema', async () => {
    for (const q of namedQueries.values()) {
      const extra =
        q.name === 'metric_over_time'
          ? '?metric=linewatch.queue.depth&attribute=queue.name'
          : q.name === 'step_latency'
            ? '?flow=mo_confirmation'
            : '';
      const res = await get(`/api/v1/queries/${q.name}${extra}`);
      expect(res.status, `${q.name}: ${JSON.stringify(res.body)}`).toBe(200);
      const parsed = QueryResultSchema.parse(res.body);
      for (const row of parsed.rows)
        expect(Object.keys(row).sort()).toEqual(q.columns.map((c) => c.name).sort());
    }
  });

  it('counts transactions per bucket by outcome from their latest version, with end-to-end percentiles', async () => {
    const { body } = await get('/api/v1/queries/transactions_over_time?range=1h&flow=mo_confirmation');
    expect(body.rows).toEqual([
      expect.objectContaining({
        started: 4,
        on_time: 2,
        late: 1,
        missing: 0,
        failed: 1,
        in_progress: 0,
        p50_e2e_ms: 3000,
      }),
    ]);
    const lyon = await get('/api/v1/queries/transactions_over_time?range=1h&plant=lyon');
    expect(lyon.body.rows[0]?.started).toBe(3);
  });

  it("measures each step's offset from the key's first event", async () => {
    const { body } = await get('/api/v1/queries/step_latency?flow=mo_confirmation&range=2h');
    expect(body.rows).toEqual([
      { step: 'released', transactions: 1, p50_ms: 0, p95_ms: 0 },
      { step: 'confirm', transactions: 1, p50_ms: 300_000, p95_ms: 300_000 },
    ]);
    const missing = await get('/api/v1/queries/step_latency');
    expect(missing.body.error.message).toContain('query.flow: required');
  });

  it('counts a resent event once and ignores events outside the range', async () => {
    const { body } = await get('/api/v1/queries/event_totals?range=6h');
    expect(body.rows).toEqual([
      { events: 6, failed: 2, failed_pct: 33.33, business_keys: 5, systems: 2, last_event_age_s: 300 },
    ]);
    const wide = await get('/api/v1/queries/event_totals?range=3d');
    expect(wide.body.rows[0]?.events).toBe(7);
  });

  it('filters by plant and splits series by the chosen column', async () => {
    const { body } = await get('/api/v1/queries/events_over_time?range=1h&plant=porto&by=outcome');
    expect(body.rows.map((r) => `${r.series}:${r.events}`).sort()).toEqual(['dead_lettered:1', 'ok:1']);
    expect(body.rows[0]?.t).toMatch(new RegExp(`^${HOUR_BEFORE}:\\d\\d:00Z$`));
  });

  it('returns failures with their error, newest first', async () => {
    const { body } = await get('/api/v1/queries/recent_failures?limit=5');
    expect(body.rows.map((r) => [r.key, r.outcome, r.error_category, r.error_message])).toEqual([
      ['MO/e4', 'dead_lettered', 'timeout', 'MES did not answer'],
      ['MO/e2', 'failed', 'timeout', 'MES did not answer'],
    ]);
  });

  it('answers service latency from spans and gauge series split by an attribute', async () => {
    const red = await get('/api/v1/queries/service_red');
    expect(red.body.rows).toEqual([
      expect.objectContaining({ service: 'mes-connector', spans: 2, errors: 1, error_pct: 50 }),
    ]);
    const q = await get(
      '/api/v1/queries/metric_over_time?metric=linewatch.queue.depth&attribute=queue.name&range=1h',
    );
    expect(q.body.rows).toEqual([expect.objectContaining({ series: 'orders', avg: 42, max: 42 })]);
  });

  it("sums the collector's counters per bucket and takes the max of its gauges", async () => {
    const sum = await get('/api/v1/queries/collector_self_over_time?range=1h&by=signal');
    expect(sum.body.rows).toEqual([expect.objectContaining({ series: 'events', value: 6 })]);
    const max = await get('/api/v1/queries/collector_self_over_time?range=1h&measure=accepted&agg=max');
    expect(max.body.rows).toEqual([expect.objectContaining({ series: 'accepted', value: 5 })]);
  });

  it('limits a plant-restricted token to its plants and refuses queries not split by plant', async () => {
    const { body } = await get('/api/v1/queries/events_by_plant_flow', lyonOnly.token);
    expect(body.rows.map((r) => r.plant)).toEqual(['lyon']);
    const other = await get('/api/v1/queries/event_totals?plant=porto', lyonOnly.token);
    // Asking for another plant is refused, as on every route (not answered with zeros).
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'forbidden_plant' } } });
    const red = await get('/api/v1/queries/service_red', lyonOnly.token);
    expect(red).toMatchObject({ status: 403, body: { error: { code: 'plant_restricted' } } });
  });

  it('answers 400 naming each bad parameter and 404 for an unknown query', async () => {
    const bad = await get('/api/v1/queries/failures_by_category?limit=0&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('query.colour: unknown parameter');
    expect(bad.body.error.message).toContain('query.limit: must be between 1 and 1000');
    const missing = await get('/api/v1/queries/drop_tables');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'query_not_found' } } });
  });

  it('requires the read scope', async () => {
    const res = await app().request('/api/v1/queries/event_totals');
    expect(res.status).toBe(401);
  });
});
