import { resolve } from 'node:path';
import { AlertRuleListSchema, type AlertRule, type Criticality } from '@linewatch/schema';
import {
  classifyTier,
  createAlertEvaluator,
  loadAlertRules,
  type LoadedAlertRules,
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
import { ConfigError } from '../errors.ts';
import { registerAlertRoutes } from '../routes/alerts.ts';
import type { ComponentFactory } from '../runtime.ts';

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
  }
}

/**
 * Alerting in `linewatch start`: loads `paths.alertRules` (a bad file fails the start with every
 * problem listed); with the worker role, evaluates every rule each `alerting.evaluationInterval`;
 * with the api role, the alert routes. Rule files are re-read at each cycle; a file that turns bad
 * keeps its last good rules.
 */
export const alertingComponent: ComponentFactory = (ctx) => {
  const api = ctx.router !== undefined;
  const work = ctx.config.roles.includes('worker');
  if (!api && !work) return undefined;
  const dir = resolve(ctx.config.paths.alertRules);
  let loaded: LoadedAlertRules = loadAlertRules(dir);
  if (loaded.problems.length) throw new ConfigError(loaded.problems);
  ctx.logger.info({ dir, rules: loaded.rules.length }, 'alert rules loaded');
  const reload = () => {
    const next = loadAlertRules(dir);
    if (next.problems.length) {
      ctx.logger.error(
        { dir, problems: next.problems },
        'alert rule files have problems: keeping the last good rules',
      );
      const badFiles = new Set(next.problems.map((p) => p.split(': ')[0]));
      const kept = loaded.rules.filter((l) => badFiles.has(l.file));
      loaded = {
        ...next,
        rules: [...next.rules, ...kept.filter((k) => !next.rules.some((n) => n.rule.id === k.rule.id))],
      };
    } else loaded = next;
  };

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

  const evaluator = createAlertEvaluator({
    store: ctx.store,
    rules: () => loaded.rules.map((l) => l.rule),
    flowIds: () => flows.list().map((l) => l.flow.id),
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
    // Judged on the correlation's data clock, so a replayed backlog does not look like silence.
    now: () => evaluationNow(ctx.store, ctx.now()),
    logger: ctx.logger,
  });

  if (ctx.router) {
    registerAlertRoutes(ctx.router, {
      store: ctx.store,
      now: ctx.now,
      baseUrl: ctx.config.publicUrl ?? `http://${ctx.config.server.host}:${ctx.config.server.port}`,
    });
    ctx.router.get(
      '/api/v1/alert-rules',
      'read',
      (c) =>
        c.json({
          rules: loaded.rules.map(({ rule, file }) => ({
            id: rule.id,
            kind: rule.kind,
            name: rule.name ?? rule.id,
            file: file.startsWith(dir) ? file.slice(dir.length + 1) : file,
            enabled: rule.enabled,
            for: rule.for,
            keepFiringFor: rule.keepFiringFor,
          })),
          problems: loaded.problems,
          routesProblems: [],
        }),
      {
        summary: 'The loaded alert rules and the problems of files that failed to reload',
        tags: ['alerts'],
        response: AlertRuleListSchema,
      },
    );
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let lastError: string | undefined;
  let stopped = false;
  const cycle = async () => {
    reload();
    try {
      const r = await evaluator.evaluate();
      lastError = undefined;
      if (r.transitions.length)
        ctx.logger.info(
          { transitions: r.transitions.length, open: r.alerts.length, ms: r.ms },
          'alerts evaluated',
        );
    } catch (err) {
      lastError = (err as Error).message;
      ctx.logger.error({ err }, 'alert evaluation failed');
    }
  };
  return {
    name: 'alerting',
    start() {
      if (!work) return Promise.resolve();
      const tick = () => {
        running = cycle().finally(() => {
          running = undefined;
          if (stopped) return;
          timer = setTimeout(tick, ctx.config.alerting.evaluationInterval);
          timer.unref();
        });
      };
      tick();
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    readiness: () => Promise.resolve(lastError ? `alert evaluation failed: ${lastError}` : undefined),
  };
};
