import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertDetailSchema, AlertListSchema, AlertRuleSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createAlertEvaluator } from '@linewatch/alerting';
import type { ImpactGraph } from '@linewatch/correlation';
import { createHttpApp } from '../app.ts';
import { createToken } from '../auth.ts';
import { AccessControl } from '../access/verifier.ts';
import { registerAlertRoutes } from './alerts.ts';

// The MES of P02 goes quiet: the evaluator (real chDB) fires the silence, the growing inbound queue
// and the missing confirmations; the API shows one cause with the other two as its symptoms.

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 7, 9, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const reader = createToken('reader', ['read'], []);
const p01 = createToken('p01', ['read'], ['P01']);
const operator = createToken('anna.operator', ['operate'], []);

const graph: ImpactGraph = {
  nodes: [
    { id: 'odoo', kind: 'service' },
    { id: 'mes', kind: 'service' },
    { id: 'messaging:p02.mes.production_order_release', kind: 'messaging' },
  ],
  edges: [
    { source: 'messaging:p02.mes.production_order_release', target: 'mes', kinds: ['messaging'], flows: [] },
    { source: 'odoo', target: 'mes', kinds: ['flow'], flows: ['production_confirmation'] },
  ],
  flows: [
    {
      flow: 'production_confirmation',
      criticality: 'production',
      plants: ['P01', 'P02'],
      systems: ['odoo', 'mes'],
    },
  ],
};
const rules = [
  {
    id: 'mes-silent',
    kind: 'connector',
    systems: ['mes'],
    condition: { measure: 'silence', window: '5m', lookback: '1h' },
  },
  { id: 'queue-growing', kind: 'queue', queues: ['p*.mes.*'], condition: { measure: 'growing', over: '5m' } },
  { id: 'confirmations-missing', kind: 'flow', flows: ['*'], condition: { status: 'missing', threshold: 0 } },
].map((r) => AlertRuleSchema.parse(r));

let store: TestStore;
let app: ReturnType<typeof createHttpApp>;

async function call(path: string, token: string, init: RequestInit = {}) {
  const res = await app.app.request(path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  store = await openTestStore();
  await store.insert('business_events', [
    {
      id: 'e1',
      time: iso(NOW - 20 * MIN),
      flow: 'production_confirmation',
      step: 'wo',
      key: 'BRN/WO/1',
      system: 'mes',
      plant: 'P02',
    },
    {
      id: 'e2',
      time: iso(NOW - 1 * MIN),
      flow: 'production_confirmation',
      step: 'wo',
      key: 'LYO/WO/1',
      system: 'mes',
      plant: 'P01',
    },
  ]);
  await store.insert(
    'otel_metrics_gauge',
    [5, 4, 3, 2, 1].map((i) => ({
      ServiceName: 'poller',
      MetricName: 'integration.queue.depth',
      Attributes: { 'queue.name': 'p02.mes.production_order_release', 'biz.plant': 'P02' },
      TimeUnix: iso(NOW - i * MIN + 1000),
      Value: 40 - 5 * i,
    })),
  );
  await store.insert(
    'transactions',
    [
      ['BRN/MO/1', 'P02'],
      ['BRN/MO/2', 'P02'],
      ['LYO/MO/9', 'P01'],
    ].map(([key, plant]) => ({
      key,
      flow: 'production_confirmation',
      plant,
      status: 'missing',
      started_at: iso(NOW - 30 * MIN),
      problem_deadline_at: iso(NOW - 2 * MIN),
      updated_at: iso(NOW - 2 * MIN),
      version: 1,
      is_deleted: 0,
    })),
  );
  const evaluator = createAlertEvaluator({
    store,
    rules: () => rules,
    flowIds: () => ['production_confirmation'],
    tierOf: (rule) => ({ tier: rule.kind === 'queue' ? 'P3' : 'P1', reason: `test tier for ${rule.kind}` }),
    graph: () => Promise.resolve(graph),
    now: () => NOW,
  });
  await evaluator.evaluate();
  app = createHttpApp({
    logger: pino({ level: 'silent' }),
    access: new AccessControl({ staticTokens: [reader.entry, p01.entry, operator.entry] }),
  });
  registerAlertRoutes(app.router, { store, now: () => NOW + MIN, baseUrl: 'http://linewatch.test' });
});
afterAll(() => store.drop());

describe('alert API', () => {
  it('lists the MES silence at P02 as the cause, with its queue and missing confirmations as symptoms', async () => {
    const { status, body } = await call('/api/v1/alerts?plant=P02', reader.token);
    expect(status).toBe(200);
    const list = AlertListSchema.parse(body);
    const cause = list.items.find((a) => a.rule === 'mes-silent');
    expect(cause).toMatchObject({ plant: 'P02', state: 'firing', tier: 'P1', node: 'mes', cause: null });
    expect(cause?.symptoms.map((s) => s.rule).sort()).toEqual(['confirmations-missing', 'queue-growing']);
    const missing = list.items.find((a) => a.rule === 'confirmations-missing');
    expect(missing?.cause?.id).toBe(cause?.id);
    expect([...(missing?.examples ?? [])].sort()).toEqual(['BRN/MO/1', 'BRN/MO/2']);
    expect(list.counts).toEqual({ P1: 2, P2: 0, P3: 1, P4: 0 });
  });

  it('keeps P01’s own missing confirmations on their own (its MES is heard from)', async () => {
    const list = AlertListSchema.parse((await call('/api/v1/alerts', reader.token)).body);
    const p01Missing = list.items.find((a) => a.plant === 'P01');
    expect(p01Missing).toMatchObject({ rule: 'confirmations-missing', cause: null });
    expect(list.items.filter((a) => a.rule === 'mes-silent').map((a) => a.plant)).toEqual(['P02']);
  });

  it('shows a P01 token no P02 alert, symptom or cause, and 403 for asking for P02', async () => {
    const list = AlertListSchema.parse((await call('/api/v1/alerts', p01.token)).body);
    expect(list.items.map((a) => a.plant)).toEqual(['P01']);
    expect(JSON.stringify(list)).not.toContain('P02');
    expect((await call('/api/v1/alerts?plant=P02', p01.token)).status).toBe(403);
    const other = (await call('/api/v1/alerts?plant=P02', reader.token)).body as { items: { id: string }[] };
    expect((await call(`/api/v1/alerts/${other.items[0]?.id ?? ''}`, p01.token)).status).toBe(404);
  });

  it('records who acknowledged an alert, with the comment, in its history; acknowledging needs operate', async () => {
    const list = AlertListSchema.parse((await call('/api/v1/alerts?plant=P02', reader.token)).body);
    const id = list.items.find((a) => a.rule === 'mes-silent')?.id ?? '';
    const body = JSON.stringify({ comment: 'MES team restarting the connector' });
    expect((await call(`/api/v1/alerts/${id}/ack`, reader.token, { method: 'POST', body })).status).toBe(403);
    const acked = await call(`/api/v1/alerts/${id}/ack`, operator.token, { method: 'POST', body });
    expect(acked.status).toBe(200);
    const detail = AlertDetailSchema.parse((await call(`/api/v1/alerts/${id}`, reader.token)).body);
    expect(detail).toMatchObject({
      acknowledgedBy: 'anna.operator',
      ackComment: 'MES team restarting the connector',
    });
    expect(detail.history.map((h) => h.to)).toEqual(['firing', 'acknowledged']);
    expect(detail.history[1]?.actor).toBe('anna.operator');
  });

  it('answers in Alertmanager’s v2 shape on request, symptoms marked as inhibited by their cause', async () => {
    const { body } = await call('/api/v1/alerts?plant=P02&format=alertmanager', reader.token);
    const alerts = body as {
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[] };
    }[];
    const queue = alerts.find((a) => a.labels.alertname === 'queue-growing');
    expect(queue?.status.state).toBe('suppressed');
    expect(queue?.status.inhibitedBy).toHaveLength(1);
    expect(alerts.find((a) => a.labels.alertname === 'mes-silent')?.status.state).toBe('active');
  });
});
