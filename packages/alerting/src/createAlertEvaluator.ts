import type { ImpactGraph } from '@linewatch/correlation';
import type { AlertRule } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { loadOpenAlerts, saveAlerts } from './alertStore.ts';
import { attachSymptoms } from './inhibit.ts';
import { queryLastSeen, silenceSamples } from './evaluate/evaluateConnectorSilence.ts';
import { flowRuleSamples, queryFlowCounts, type RuleSample } from './evaluate/evaluateFlowRule.ts';
import { queryQueuePoints, queueSamples } from './evaluate/evaluateQueueRule.ts';
import { reconcileRule, type AlertRecord, type AlertTransition, type TierOf } from './reconcileRule.ts';

/** What the evaluator needs; the rules and flows are read at every cycle, so reloads take effect. */
export interface AlertEvaluatorOptions {
  store: Store;
  rules: () => readonly AlertRule[];
  /** Flow ids defined now (a rule's `*`). */
  flowIds: () => readonly string[];
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

/** Samples of one rule at `now`; kinds without an evaluator here yield none. */
async function samplesOf(
  store: Store,
  rule: AlertRule,
  flowIds: readonly string[],
  now: number,
): Promise<RuleSample[] | undefined> {
  switch (rule.kind) {
    case 'flow': {
      const ids = rule.flows.includes('*') ? flowIds : rule.flows;
      return flowRuleSamples(rule, await queryFlowCounts(store, rule, ids, now));
    }
    case 'connector':
      if (rule.condition.measure !== 'silence') return undefined;
      return silenceSamples(await queryLastSeen(store, rule, now), rule.condition.window, now);
    case 'queue':
      return queueSamples(rule, await queryQueuePoints(store, rule, now));
    default:
      return undefined;
  }
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
      for (const rule of rules) {
        let samples: RuleSample[] | undefined;
        try {
          samples = await samplesOf(options.store, rule, options.flowIds(), now);
        } catch (err) {
          failed.push(rule.id);
          options.logger?.warn(
            { err, rule: rule.id },
            'alert rule evaluation failed; its alerts keep their state',
          );
          continue;
        }
        if (!samples) continue;
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
