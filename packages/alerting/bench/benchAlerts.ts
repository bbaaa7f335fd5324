// bench:alerts — the cost of one evaluation cycle at plant scale: 200 rules (the shipped ones and
// variants of them over every flow, queue and system) over 10M stored spans, 1M transactions, 2M
// business events and a day of gauges of 50 queues and their pollers, in the embedded store. Prints
// the data generation time, then per cycle the evaluation time (median, p95, max over `--cycles`),
// the slowest rules, and the notification planning time. `--spans N --transactions N` for a smaller run.
//
// Not measured here (see the closing note of issue 10): detection quality over a simulated week.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlertRuleSchema,
  RetentionConfigSchema,
  StoreConfigSchema,
  type AlertRule,
  type RoutesFile,
} from '@linewatch/schema';
import { migrate, openStore, sql } from '@linewatch/store';
import { createAlertEvaluator } from '../src/createAlertEvaluator.ts';
import { createNotifier } from '../src/notify/createNotifier.ts';
import { loadAlertRules } from '../src/rules/loadAlertRules.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SPANS = arg('spans', 10_000_000);
const TRANSACTIONS = arg('transactions', 1_000_000);
const EVENTS = arg('events', 2_000_000);
const CYCLES = arg('cycles', 10);
const RULES = arg('rules', 200);
const CHUNK = 1_000_000;
const out = (line: string) => process.stdout.write(`${line}\n`);

const DAY = 86_400_000;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const FLOWS = [
  'goods_movement',
  'machine_downtime',
  'production_confirmation',
  'production_order_release',
  'quality_hold',
  'shipment_booking',
  'supplier_asn_receipt',
];
const SYSTEMS = [
  'odoo',
  'mes',
  'middleware',
  'qms',
  'carrier',
  'logistics',
  'cmms',
  'wms',
  'supplier_portal',
];
const PLANTS = ['P01', 'P02', 'P03'];

const dataDir = join(tmpdir(), `linewatch-bench-alerts-${process.pid}`);
mkdirSync(dataDir, { recursive: true });
const store = await openStore(
  StoreConfigSchema.parse({ mode: 'embedded', dataDir, database: 'bench', maxMemoryBytes: 8 * 1024 ** 3 }),
);

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const r = await run();
  out(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))] ?? 0;
};

/** The shipped rules, then variants (other thresholds, per flow, per queue pattern) up to `RULES`. */
function benchRules(): AlertRule[] {
  const shipped = loadAlertRules(join(import.meta.dirname, '../../../alert-rules'));
  if (shipped.problems.length) throw new Error(shipped.problems.join('\n'));
  const rules = shipped.rules.map((l) => l.rule).filter((r) => r.kind !== 'query');
  const variants: AlertRule[] = [];
  let i = 0;
  while (rules.length + variants.length < RULES) {
    const base = rules[i % rules.length] as AlertRule;
    const n = Math.floor(i / rules.length) + 1;
    const v = structuredClone<AlertRule>(base);
    v.id = `${base.id}_v${n}`;
    if (v.kind === 'flow') v.flows = [FLOWS[i % FLOWS.length] as string];
    if (v.kind === 'queue') v.queues = [`p0${(i % 3) + 1}.*`];
    if (v.kind === 'connector') v.systems = [SYSTEMS[i % SYSTEMS.length] as string];
    variants.push(AlertRuleSchema.parse(v));
    i++;
  }
  return [...rules, ...variants];
}

try {
  await migrate(store, RetentionConfigSchema.parse({}));
  out(`bench:alerts — ${SPANS} spans, ${TRANSACTIONS} transactions, ${EVENTS} events, ${RULES} rules`);
  const from = NOW - 7 * DAY;
  // In chunks of 1M: one statement per chunk stays well inside the store's statement timeout.
  await timed(`generated ${SPANS} spans over 7 days`, async () => {
    for (let offset = 0; offset < SPANS; offset += CHUNK)
      await store.command(sql`INSERT INTO ${store.table('otel_traces')}
      (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ResourceAttributes,
       SpanAttributes, Duration, StatusCode)
      SELECT fromUnixTimestamp64Milli(toInt64(${from} + intDiv(number * ${7 * DAY}, ${SPANS}))),
        hex(cityHash64(number, 't')), hex(cityHash64(number)), '', 'POST /confirm',
        if(number % 3 = 0, 'Client', 'Server'), ${SYSTEMS}[1 + number % ${SYSTEMS.length}],
        map('service.name', ${SYSTEMS}[1 + number % ${SYSTEMS.length}]),
        map('biz.plant', ${PLANTS}[1 + intDiv(number, 7) % 3]),
        toUInt64(1e6 * (5 + number % 200)), if(number % 50 = 0, 'Error', 'Unset')
      FROM numbers(${offset}, ${Math.min(CHUNK, SPANS - offset)})`);
  });
  await timed(`generated ${TRANSACTIONS} transactions over 7 days`, () =>
    store.command(sql`INSERT INTO ${store.table('transactions')}
      (key, flow, plant, status, started_at, completed_at, problem_deadline_at, updated_at, version, is_deleted)
      SELECT concat('K/', toString(number)), ${FLOWS}[1 + number % 7], ${PLANTS}[1 + intDiv(number, 7) % 3],
        multiIf(number % 100 < 2, 'late', number % 100 < 3, 'missing', number % 100 < 4, 'failed',
          number % 200 = 7, 'duplicate', number % 1000 = 9, 'in_progress', 'completed') AS st,
        fromUnixTimestamp64Milli(toInt64(${from} + intDiv(number * ${7 * DAY}, ${TRANSACTIONS}))) AS t,
        if(st IN ('completed', 'late', 'duplicate'), t + toIntervalSecond(180), NULL),
        if(st IN ('missing', 'failed', 'late'), t + toIntervalSecond(600), NULL),
        t + toIntervalSecond(600), 1, 0
      FROM numbers(${TRANSACTIONS})`),
  );
  await timed(`generated ${EVENTS} business events over 7 days`, async () => {
    for (let offset = 0; offset < EVENTS; offset += CHUNK)
      await store.command(sql`INSERT INTO ${store.table('business_events')}
      (id, time, flow, step, key, system, plant)
      SELECT concat('e', toString(number)), fromUnixTimestamp64Milli(toInt64(${from} + intDiv(number * ${7 * DAY}, ${EVENTS}))),
        ${FLOWS}[1 + number % 7], 'step', concat('K/', toString(intDiv(number, 2))),
        ${SYSTEMS}[1 + intDiv(number, 3) % ${SYSTEMS.length}], ${PLANTS}[1 + intDiv(number, 11) % 3]
      FROM numbers(${offset}, ${Math.min(CHUNK, EVENTS - offset)})`);
  });
  const scrapes = (DAY / 30_000) * 50;
  await timed(`generated a day of gauges for 50 queues and their pollers (${scrapes * 2} points)`, () =>
    store.command(sql`INSERT INTO ${store.table('otel_metrics_gauge')}
      (ResourceAttributes, ServiceName, MetricName, Attributes, StartTimeUnix, TimeUnix, Value)
      SELECT map('service.name', 'linewatch-poller'), 'linewatch-poller', m,
        if(m = 'linewatch.poller.up',
          map('linewatch.poller.name', concat('poller-', toString(number % 50)), 'linewatch.poller.type', 'rabbitmq',
              'biz.plant', ${PLANTS}[1 + number % 3]),
          map('queue.name', concat('p0', toString(1 + number % 3), '.mes.', ${FLOWS}[1 + number % 7], toString(number % 50)),
              'messaging.system', 'rabbitmq', 'biz.plant', ${PLANTS}[1 + number % 3])),
        t, t, if(m = 'linewatch.poller.up', 1, (number * 7) % 40)
      FROM (SELECT number, fromUnixTimestamp64Milli(toInt64(${NOW - DAY} + intDiv(number, 50) * 30000)) AS t
            FROM numbers(${scrapes}))
      ARRAY JOIN ['integration.queue.depth', 'linewatch.poller.up'] AS m`),
  );

  const rules = benchRules();
  const kinds = new Map<string, number>();
  for (const r of rules) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  out(`rules: ${rules.length} (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  const clock = { now: NOW };
  const perRule = new Map<string, number[]>();
  const timedRules = rules.map((rule) => rule);
  const evaluator = createAlertEvaluator({
    store,
    rules: () => timedRules,
    flowIds: () => FLOWS,
    sloTargetOf: () => 0.99,
    tierOf: (rule) => ({ tier: rule.kind === 'flow' ? 'P2' : 'P3', reason: 'bench' }),
    now: () => clock.now,
  });
  const routes: RoutesFile = {
    apiVersion: 'linewatch/v1',
    kind: 'AlertRoutes',
    contacts: [
      { id: 'support', name: 'Support', channels: [{ type: 'email', to: ['support@plant.example'] }] },
    ],
    route: { matchers: [], contacts: ['support'], continue: false, routes: [] },
    maintenanceWindows: [],
    defaults: {
      groupBy: ['plant', 'flow', 'system'],
      groupWait: 30_000,
      groupInterval: 300_000,
      repeatInterval: 4 * 3_600_000,
    },
  };
  const notifier = createNotifier({
    store,
    routes: () => routes,
    timeZoneOf: () => 'UTC',
    baseUrl: 'http://bench',
  });

  // Per-rule cost: each rule alone, once (the first cycle also loads state).
  await evaluator.evaluate();
  for (const rule of rules.slice(0, 40)) {
    const single = createAlertEvaluator({
      store,
      rules: () => [rule],
      flowIds: () => FLOWS,
      sloTargetOf: () => 0.99,
      tierOf: () => ({ tier: 'P3', reason: 'bench' }),
      now: () => clock.now,
    });
    const t = Date.now();
    await single.evaluate();
    perRule.set(`${rule.kind} ${rule.id}`, [Date.now() - t]);
  }
  const cycles: number[] = [];
  const planning: number[] = [];
  let open = 0;
  for (let c = 0; c < CYCLES; c++) {
    clock.now = NOW + c * 30_000;
    const t = Date.now();
    const r = await evaluator.evaluate();
    cycles.push(Date.now() - t);
    open = r.alerts.length;
    const p = Date.now();
    await notifier.notify(evaluator.current().values(), clock.now);
    planning.push(Date.now() - p);
  }
  out(
    `evaluation per cycle (${rules.length} rules, ${CYCLES} cycles): median ${pct(cycles, 0.5)} ms, p95 ${pct(cycles, 0.95)} ms, max ${Math.max(...cycles)} ms; ${open} alerts open`,
  );
  out(`notification planning per cycle: median ${pct(planning, 0.5)} ms, p95 ${pct(planning, 0.95)} ms`);
  const slowest = [...perRule].sort((a, b) => (b[1][0] ?? 0) - (a[1][0] ?? 0)).slice(0, 5);
  out(`slowest rules alone: ${slowest.map(([k, [ms]]) => `${k} ${ms} ms`).join('; ')}`);
  out(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
