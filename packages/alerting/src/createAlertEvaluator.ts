import type { ImpactGraph } from '@linewatch/correlation';
import type { AlertRule } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { loadOpenAlerts, saveAlerts } from './alertStore.ts';
import { attachSymptoms } from './inhibit.ts';
import { queryLastSeen, silenceSamples } from './evaluate/evaluateConnectorSilence.ts';
import {
  flowRowsOf,
  flowRuleSamples,
  queryFlowCounts,
  queryFlowStatusCounts,
  type RuleSample,
} from './evaluate/evaluateFlowRule.ts';
import { queryQueuePoints, queueSamples } from './evaluate/evaluateQueueRule.ts';
import { deliverySamples } from './evaluate/evaluateDeliveryRule.ts';
import { failingChannels } from './notify/notificationStore.ts';
import { connectorRedSamples, queryConnectorRed } from './evaluate/evaluateConnectorRed.ts';
import { pollerSamples, queryPollerScrapes } from './evaluate/evaluatePollerRule.ts';
import { querySamples, type RunNamedQuery } from './evaluate/evaluateQueryRule.ts';
import { querySloWindows, sloBurnSamples } from './evaluate/evaluateSloBurn.ts';
import { withinWorkingHours } from './routing.ts';
import { reconcileRule, type AlertRecord, type AlertTransition, type TierOf } from './reconcileRule.ts';

/** What the evaluator needs; the rules and flows are read at every cycle, so reloads take effect. */
export interface AlertEvaluatorOptions {
  store: Store;
  rules: () => readonly AlertRule[];
  /** Flow ids defined now (a rule's `*`). */
  flowIds: () => readonly string[];
  /** A flow's on-time objective (`slo.onTimeTarget`), for `slo_burn` rules. */
  sloTargetOf?: (flow: string) => number | undefined;
  /** Runs a named dashboard query, for `query` rules (absent: such rules fail their evaluation). */
  runQuery?: RunNamedQuery;
  /** A plant's time zone, for rules with `workingHours` (default UTC). */
  timeZoneOf?: (plant: string) => string;
  tierOf: TierOf;
  /** The dependency map the inhibition reads (undefined: no inhibition). */
  graph?: () => Promise<ImpactGraph>;
  /** The time rules are judged at: the data clock (deadlines and silences follow the data while a backlog replays). */
  now: () => number | Promise<number>;
  logger?: { warn(obj: object, msg: string): void };
}

/** Rule kinds whose alerts can be a cause, by precedence (inhibit.ts). */
const CAUSE_RANK: Partial<Record<AlertRule['kind'], number>> = { connector: 0, poller: 0, queue: 2 };

/** The outcome of one evaluation cycle. */
export interface EvaluationResult {
  rules: number;
  alerts: AlertRecord[];
  transitions: AlertTransition[];
  /** Rules whose query failed this cycle (their alerts keep their state). */
  failed: string[];
  ms: number;
}

/** How many rules' queries run at once. */
const RULE_CONCURRENCY = 4;

/** Maps `items` through `fn`, at most `limit` at a time, answers in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Samples of one rule at `now`. */
async function samplesOf(
  options: AlertEvaluatorOptions,
  rule: AlertRule,
  now: number,
  shared: Map<string, Promise<unknown>>,
): Promise<RuleSample[]> {
  const { store } = options;
  const flowsOf = (flows: readonly string[]) => (flows.includes('*') ? options.flowIds() : flows);
  // Scans several rules share (same kind, window and plant scope) run once per cycle.
  const once = <T>(key: string, run: () => Promise<T>): Promise<T> => {
    let p = shared.get(key) as Promise<T> | undefined;
    if (!p) shared.set(key, (p = run()));
    return p;
  };
  switch (rule.kind) {
    case 'flow': {
      const c = rule.condition;
      if (c.status === 'failed' && c.errorCategories?.length)
        return flowRuleSamples(rule, await queryFlowCounts(store, rule, flowsOf(rule.flows), now));
      const all = options.flowIds();
      const rows = await once(`flow|${c.window}|${rule.plants.join(',')}`, () =>
        queryFlowStatusCounts(store, { window: c.window, plants: rule.plants }, all, now),
      );
      return flowRuleSamples(rule, flowRowsOf(rule, rows, flowsOf(rule.flows)));
    }
    case 'slo_burn': {
      const all = options.flowIds();
      const rows = await once(`slo|${JSON.stringify(rule.windows)}|${rule.plants.join(',')}`, () =>
        querySloWindows(store, rule, all, now),
      );
      const wanted = new Set(flowsOf(rule.flows));
      return sloBurnSamples(
        rule,
        rows.filter((r) => wanted.has(r.flow)),
        options.sloTargetOf ?? (() => undefined),
      );
    }
    case 'connector': {
      const c = rule.condition;
      const any = { ...rule, systems: ['*'] };
      const mine = <T extends { system: string }>(rows: readonly T[]) =>
        rule.systems.includes('*') ? rows : rows.filter((r) => rule.systems.includes(r.system));
      const scope = `${rule.plants.join(',')}`;
      if (c.measure === 'silence') {
        const rows = await once(`silence|${c.lookback}|${scope}`, () => queryLastSeen(store, any, now));
        return silenceSamples(mine(rows), c.window, now);
      }
      const rows = await once(`red|${c.window}|${scope}`, () => queryConnectorRed(store, any, c, now));
      return connectorRedSamples(c, mine(rows));
    }
    case 'queue': {
      // queueSamples keeps the rule's queue patterns: the scan is per gauge, span and plant scope.
      const c = rule.condition;
      const key = `queue|${c.measure === 'oldest_age' ? 'age' : 'depth'}|${c.measure === 'growing' ? c.over : 0}|${rule.plants.join(',')}`;
      return queueSamples(rule, await once(key, () => queryQueuePoints(store, rule, now)));
    }
    case 'poller':
      return pollerSamples(
        rule,
        await once(`poller|${rule.window}|${rule.plants.join(',')}`, () =>
          queryPollerScrapes(store, rule, now),
        ),
      );
    case 'query': {
      if (!options.runQuery) throw new Error(`rule ${rule.id}: named queries are not available here`);
      return querySamples(rule, await options.runQuery(rule.query, rule.params, now));
    }
    case 'delivery':
      return deliverySamples(rule, await failingChannels(store, now - rule.window));
  }
}

/** How far back a rule looks: its condition must have had the whole span inside working hours. */
function spanOf(rule: AlertRule): number {
  switch (rule.kind) {
    case 'connector':
      return rule.condition.window;
    case 'poller':
    case 'delivery':
      return rule.window;
    default:
      return rule.for;
  }
}

/**
 * A rule with `workingHours` is quiet outside them, in each plant's time zone: its samples are
 * inactive (its alerts resolve through `keepFiringFor`), and also while its span has not been wholly
 * inside the hours, so a system that is idle overnight is not "silent" the minute its shift starts.
 */
function inWorkingHours(
  rule: AlertRule,
  samples: RuleSample[],
  now: number,
  timeZoneOf: (plant: string) => string,
): RuleSample[] {
  const hours = rule.workingHours;
  if (!hours) return samples;
  const span = spanOf(rule);
  return samples.map((s) => {
    const tz = timeZoneOf(s.labels.plant ?? '');
    const open = withinWorkingHours(hours, tz, now) && withinWorkingHours(hours, tz, now - span);
    return open ? s : { ...s, active: false };
  });
}

/**
 * The alert evaluator: each `evaluate()` runs every enabled rule, advances its alerts and stores what
 * changed. State is loaded from the store at the first cycle, so a restart forgets nothing.
 * @example const ev = createAlertEvaluator({ store, rules, flowIds, tierOf, now: Date.now }); await ev.evaluate();
 */
export function createAlertEvaluator(options: AlertEvaluatorOptions) {
  let state: Map<string, AlertRecord> | undefined;
  return {
    /** The open alerts as last evaluated, by fingerprint. */
    current(): ReadonlyMap<string, AlertRecord> {
      return state ?? new Map();
    },
    async evaluate(): Promise<EvaluationResult> {
      const started = Date.now();
      state ??= await loadOpenAlerts(options.store);
      const now = await options.now();
      const rules = options.rules().filter((r) => r.enabled);
      const changed: AlertRecord[] = [];
      const transitions: AlertTransition[] = [];
      const failed: string[] = [];
      // The rules' queries run a few at a time (the store has several read connections); their
      // alerts are then advanced in rule order, so a cycle's outcome does not depend on timing.
      const timeZoneOf = options.timeZoneOf ?? (() => 'UTC');
      const shared = new Map<string, Promise<unknown>>();
      const evaluated = await mapLimit(rules, RULE_CONCURRENCY, async (rule) => {
        try {
          const samples = (await samplesOf(options, rule, now, shared)).filter(
            (s) => !rule.plants.length || rule.plants.includes(s.labels.plant ?? ''),
          );
          return { rule, samples: inWorkingHours(rule, samples, now, timeZoneOf) };
        } catch (err) {
          return { rule, err };
        }
      });
      for (const { rule, samples, err } of evaluated) {
        if (!samples) {
          failed.push(rule.id);
          options.logger?.warn(
            { err, rule: rule.id },
            'alert rule evaluation failed; its alerts keep their state',
          );
          continue;
        }
        const previous = new Map([...state].filter(([, a]) => a.rule === rule.id));
        const result = reconcileRule(rule, samples, previous, now, options.tierOf);
        for (const a of result.alerts) {
          const before = state.get(a.fingerprint);
          if (!before || before.state !== a.state || before.tier !== a.tier || before.value !== a.value)
            changed.push(a);
          if (a.state === 'resolved') state.delete(a.fingerprint);
          else state.set(a.fingerprint, a);
        }
        transitions.push(...result.transitions);
      }
      if (options.graph) {
        let graph: ImpactGraph | undefined;
        try {
          graph = await options.graph();
        } catch (err) {
          options.logger?.warn({ err }, 'dependency map unavailable: symptoms not attached this cycle');
        }
        if (graph) {
          const open = [...state.values()];
          const causes = attachSymptoms(
            open.map((a) => ({
              id: a.id,
              state: a.state,
              canCause: CAUSE_RANK[a.ruleKind] !== undefined && a.node !== null,
              causeRank: CAUSE_RANK[a.ruleKind] ?? 9,
              node: a.node,
              flow: a.flow,
              plant: a.plant,
              firedAt: a.firedAt,
            })),
            graph,
          );
          for (const a of open) {
            const causeId = causes.get(a.id) ?? null;
            if (causeId === a.causeId) continue;
            const next = { ...a, causeId };
            state.set(a.fingerprint, next);
            const i = changed.findIndex((c) => c.fingerprint === a.fingerprint);
            if (i >= 0) changed[i] = next;
            else changed.push(next);
          }
        }
      }
      await saveAlerts(options.store, changed, transitions, now);
      return {
        rules: rules.length,
        alerts: [...state.values()],
        transitions,
        failed,
        ms: Date.now() - started,
      };
    },
  };
}
export type AlertEvaluator = ReturnType<typeof createAlertEvaluator>;
