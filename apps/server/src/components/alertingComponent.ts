import { resolve } from 'node:path';
import { AlertRuleListSchema, type AlertRule, type Criticality } from '@linewatch/schema';
import {
  AlertRuleFileError,
  AlertRuleRegistry,
  classifyTier,
  createAlertEvaluator,
  createChannelSender,
  createDeliverer,
  createNotifier,
  retryDelay,
  type AlertRecord,
  type RuleSample,
} from '@linewatch/alerting';
import {
  evaluationNow,
  FlowRegistry,
  impactOf,
  loadDependencyGraph,
  resolveDependencyTimeRange,
  type ImpactGraph,
} from '@linewatch/correlation';
import { namedQueries, parseQueryParams } from '../dashboards/namedQueries.ts';
import { ConfigError } from '../errors.ts';
import { sql } from '@linewatch/store';
import { registerAlertRoutes } from '../routes/alerts.ts';
import { registerSilenceRoutes } from '../routes/silences.ts';
import type { ComponentFactory } from '../runtime.ts';
import { recordDefinitionReload } from '../access/audit.ts';

const HOUR = 3_600_000;

/** The condition word the tier table uses for a rule and one of its samples. */
function conditionOf(rule: AlertRule, sample: RuleSample): string {
  switch (rule.kind) {
    case 'flow':
      return rule.condition.status;
    case 'queue':
    case 'connector':
      return rule.condition.measure;
    case 'poller':
      return 'poller_down';
    case 'slo_burn':
      return sample.labels.severity === 'ticket' ? 'burn_ticket' : 'burn_page';
    case 'query':
      return 'query';
    case 'delivery':
      return 'delivery';
  }
}

/**
 * Alerting in `linewatch start`: loads `paths.alertRules` (a bad file fails the start with every
 * problem listed) and watches it (a file that turns bad keeps its last good version). With the
 * worker role: evaluates every rule each `alerting.evaluationInterval` on the data clock, plans the
 * notifications of what changed into the outbox, and delivers the outbox every
 * `alerting.delivery.pollInterval` on the wall clock with retries. With the api role: the alert,
 * silence and rule routes.
 */
export const alertingComponent: ComponentFactory = (ctx) => {
  const api = ctx.router !== undefined;
  const work = ctx.config.roles.includes('worker');
  if (!api && !work) return undefined;
  const dir = resolve(ctx.config.paths.alertRules);
  let registry: AlertRuleRegistry;
  try {
    registry = AlertRuleRegistry.open({ dir, logger: ctx.logger });
  } catch (err) {
    if (err instanceof AlertRuleFileError) throw new ConfigError(err.issues);
    throw err;
  }
  // `query` rules name a dashboard query: an unknown one or bad parameters fail the start, like a bad file.
  const queryProblems = () =>
    registry.snapshot().rules.flatMap(({ rule, file }) => {
      if (rule.kind !== 'query') return [];
      const q = namedQueries.get(rule.query);
      if (!q)
        return [
          `${file}: ${rule.id}.query: unknown named query "${rule.query}" (known: ${[...namedQueries.keys()].join(', ')})`,
        ];
      const parsed = parseQueryParams(q, rule.params);
      return parsed.ok ? [] : parsed.issues.map((i) => `${file}: ${rule.id}.params.${i}`);
    });
  if (queryProblems().length) throw new ConfigError(queryProblems());
  ctx.logger.info(
    { dir, rules: registry.snapshot().rules.length, routes: registry.snapshot().routes !== undefined },
    'alert rules loaded',
  );
  const timeZoneOf = (plant: string) => ctx.config.plants[plant]?.timeZone ?? ctx.config.timeZone;
  const baseUrl = ctx.config.publicUrl ?? `http://${ctx.config.server.host}:${ctx.config.server.port}`;

  // Flows for criticality: the correlation component owns the watched registry; a snapshot read here is enough.
  const flows = FlowRegistry.open({ dir: resolve(ctx.config.paths.flows) });
  let graph: ImpactGraph | undefined;
  const loadGraph = async () => {
    const now = ctx.now();
    graph = await loadDependencyGraph(ctx.store, {
      range: resolveDependencyTimeRange({ window: HOUR }, now, HOUR),
      flows: flows.list().map((l) => l.flow),
      flowHealth: [],
    });
    return graph;
  };
  const criticalityOf = (sample: RuleSample): { criticality: Criticality | null; flows: string[] } => {
    const flowId =
      sample.labels.flow ?? sample.labels.queue?.split('.').find((part) => flows.get(part) !== undefined);
    const flow = flowId ? flows.get(flowId) : undefined;
    if (flow) return { criticality: flow.criticality, flows: [flow.id] };
    const node = sample.labels.system;
    if (node && graph) {
      const impact = impactOf(graph, { node });
      return { criticality: (impact.topCriticality as Criticality | null) ?? null, flows: impact.flows };
    }
    return { criticality: null, flows: [] };
  };

  // The data-clock time of the cycle in progress: rules and notifications are judged at the same instant.
  let cycleNow = 0;
  let floor: number | undefined;
  const latestTransition = async () => {
    const [row] = await ctx.store.query<{ t: number | null }>(
      sql`SELECT toUnixTimestamp64Milli(max(time)) AS t FROM ${ctx.store.table('alert_events')} WHERE actor = 'linewatch'`,
    );
    return Number(row?.t ?? 0);
  };
  const evaluator = createAlertEvaluator({
    store: ctx.store,
    rules: () => registry.snapshot().rules.map((l) => l.rule),
    flowIds: () => flows.list().map((l) => l.flow.id),
    sloTargetOf: (flow) => flows.get(flow)?.slo.onTimeTarget,
    timeZoneOf,
    // `query` rules run the dashboards' named queries over every plant (alerts are scoped when read).
    runQuery: async (name, params, now) => {
      const q = namedQueries.get(name);
      if (!q)
        throw new Error(`unknown named query "${name}" (known: ${[...namedQueries.keys()].join(', ')})`);
      const parsed = parseQueryParams(q, params);
      if (!parsed.ok) throw new Error(`query "${name}": ${parsed.issues.join('; ')}`);
      return ctx.store.query<Record<string, unknown>>(
        q.build({ table: (t) => ctx.store.table(t), params: parsed.values, plants: [], now }),
      );
    },
    tierOf: (rule, sample, firingForMs) => {
      const { criticality, flows: affected } = criticalityOf(sample);
      return classifyTier({
        ruleKind: rule.kind,
        condition: conditionOf(rule, sample),
        criticality,
        flows: affected,
        plants: 1,
        transactions: sample.transactions,
        firingForMs,
        floor: rule.tier.floor,
        ceiling: rule.tier.ceiling,
      });
    },
    graph: loadGraph,
    now: () => cycleNow,
    logger: ctx.logger,
  });

  // Routing may match a flow's owner and criticality, which alerts do not carry as labels.
  const enrich = (a: AlertRecord): Record<string, string> => {
    const flow = a.flow ? flows.get(a.flow) : undefined;
    return flow ? { owner: flow.owner, criticality: flow.criticality } : {};
  };
  const notifier = createNotifier({
    store: ctx.store,
    routes: () => registry.snapshot().routes,
    timeZoneOf,
    enrich,
    baseUrl,
    logger: ctx.logger,
  });
  const { delivery } = ctx.config.alerting;
  const sender = createChannelSender({
    smtp: ctx.config.alerting.smtp,
    secret: ctx.secret,
    timeoutMs: delivery.timeout,
    now: ctx.now,
  });
  const deliverer = createDeliverer({
    store: ctx.store,
    send: (channel, message) => sender.send(channel, message),
    now: ctx.now,
    maxAttempts: delivery.maxAttempts,
    retryDelay: (attempt, retryAfterMs) =>
      retryDelay(attempt, { base: delivery.backoffBase, cap: delivery.backoffCap, retryAfterMs }),
    logger: ctx.logger,
  });

  if (ctx.router) {
    registerAlertRoutes(ctx.router, { store: ctx.store, now: ctx.now, baseUrl });
    registerSilenceRoutes(ctx.router, {
      store: ctx.store,
      now: ctx.now,
      maintenanceWindows: () => registry.snapshot().routes?.maintenanceWindows ?? [],
      timeZoneOf,
    });
    ctx.router.get(
      '/api/v1/alert-rules',
      'read',
      (c) =>
        c.json({
          rules: registry.snapshot().rules.map(({ rule, file }) => ({
            id: rule.id,
            kind: rule.kind,
            name: rule.name ?? rule.id,
            file: file.startsWith(dir) ? file.slice(dir.length + 1) : file,
            enabled: rule.enabled,
            for: rule.for,
            keepFiringFor: rule.keepFiringFor,
          })),
          problems: [...registry.problems, ...queryProblems()],
          routesProblems: registry.routesProblems,
        }),
      {
        summary: 'The loaded alert rules and the problems of files that failed to reload',
        tags: ['alerts'],
        response: AlertRuleListSchema,
      },
    );
  }

  let lastError: string | undefined;
  let lastDeliveryError: string | undefined;
  const ruleIds = () => registry.snapshot().rules.map((r) => r.rule.id);
  let loadedRules = ruleIds();
  const cycle = async () => {
    if (registry.reload()) {
      // Audited once, by the worker that evaluates them.
      const after = ruleIds();
      const change = {
        dir: registry.dir,
        before: loadedRules,
        after,
        problems: registry.problems,
        now: ctx.now(),
      };
      loadedRules = after;
      await recordDefinitionReload(ctx.store, 'alert-rules', change).catch((err: unknown) =>
        ctx.logger.warn({ err }, 'could not audit the alert rules reload'),
      );
    }
    try {
      // The data clock can step back (a backlog starts replaying, its lag is measured only then):
      // alert time never does, so an alert is not resolved by a clock that went back, nor fired
      // twice under one id. After a restart the floor is the latest stored transition.
      floor ??= await latestTransition();
      cycleNow = Math.max(floor, await evaluationNow(ctx.store, ctx.now()));
      floor = cycleNow;
      const r = await evaluator.evaluate();
      const n = await notifier.notify(evaluator.current().values(), cycleNow);
      lastError = undefined;
      if (r.transitions.length || n.queued)
        ctx.logger.info(
          { transitions: r.transitions.length, open: r.alerts.length, queued: n.queued, ms: r.ms },
          'alerts evaluated',
        );
    } catch (err) {
      lastError = (err as Error).message;
      ctx.logger.error({ err }, 'alert evaluation failed');
    }
  };
  const deliver = async () => {
    try {
      await deliverer.deliverDue();
      lastDeliveryError = undefined;
    } catch (err) {
      lastDeliveryError = (err as Error).message;
      ctx.logger.error({ err }, 'notification delivery loop failed');
    }
  };
  const evaluation = loop(cycle, ctx.config.alerting.evaluationInterval);
  const deliveries = loop(deliver, delivery.pollInterval);
  return {
    name: 'alerting',
    start() {
      // The worker re-reads the files at each cycle; an API-only process watches them for its listing.
      if (!work) {
        registry.watch();
        return Promise.resolve();
      }
      evaluation.start();
      deliveries.start();
      return Promise.resolve();
    },
    async stop() {
      registry.close();
      if (work) await Promise.all([evaluation.stop(), deliveries.stop()]);
      sender.close();
    },
    readiness: () =>
      Promise.resolve(
        lastError
          ? `alert evaluation failed: ${lastError}`
          : lastDeliveryError
            ? `notification delivery failed: ${lastDeliveryError}`
            : undefined,
      ),
  };
};

/** Runs `run` now and then `intervalMs` after each run ends, until stopped (waits for the run in flight). */
function loop(run: () => Promise<void>, intervalMs: number) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    running = run().finally(() => {
      running = undefined;
      if (stopped) return;
      timer = setTimeout(tick, intervalMs);
      timer.unref();
    });
  };
  return {
    start: tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
