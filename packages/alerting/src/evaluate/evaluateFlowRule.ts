import type { AlertRule } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';

type FlowRule = Extract<AlertRule, { kind: 'flow' }>;

/** One label set a rule was evaluated for, with its value and whether the condition holds. */
export interface RuleSample {
  labels: Record<string, string>;
  value: number;
  active: boolean;
  /** Up to 5 example business keys. */
  examples: string[];
  /** Transactions hit (for tiering by breadth). */
  transactions: number;
}

/** A flow rule's counts per flow and plant, as the query returns them. */
export interface FlowCountRow {
  flow: string;
  plant: string;
  judged: number;
  hits: number;
  examples: string[];
}

/** True when `value op threshold`. */
export function compare(value: number, op: '>' | '>=' | '<' | '<=', threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/**
 * Turns the counts of a flow rule into samples: the value is the count, or the share of the judged
 * transactions; a flow and plant with nothing judged has no ratio and is never active.
 * @example flowRuleSamples(rule, [{ flow: 'f', plant: 'P01', judged: 10, hits: 2, examples: ['MO/1'] }])
 */
export function flowRuleSamples(rule: FlowRule, rows: readonly FlowCountRow[]): RuleSample[] {
  const c = rule.condition;
  return rows.map((r) => {
    const value = c.measure === 'ratio' ? (r.judged > 0 ? r.hits / r.judged : 0) : r.hits;
    const active = r.hits > 0 && compare(value, c.op, c.threshold);
    return {
      labels: { flow: r.flow, plant: r.plant, status: c.status },
      value,
      active,
      examples: r.examples.slice(0, 5),
      transactions: r.hits,
    };
  });
}

/**
 * Counts a flow rule's transactions per flow and plant over its window ending at `now`: those judged
 * in the window (a missing or late one when its deadline passed, a finished one when it completed,
 * any other when it last changed), and of them those with the rule's status.
 */
export async function queryFlowCounts(
  store: Store,
  rule: FlowRule,
  flowIds: readonly string[],
  now: number,
): Promise<FlowCountRow[]> {
  const c = rule.condition;
  const from = now - c.window;
  const categories = c.errorCategories ?? [];
  const hit =
    c.status === 'failed' && categories.length
      ? sql`status = 'failed' AND error_category IN ${sql.param(categories, 'Array(String)')}`
      : sql`status = ${c.status}`;
  const plants = rule.plants.length
    ? sql`AND plant IN ${sql.param(rule.plants, 'Array(String)')}`
    : sql.empty();
  const rows = await store.query<FlowCountRow>(sql`
    SELECT CAST(flow, 'String') AS flow, CAST(plant, 'String') AS plant,
      count() AS judged, countIf(${hit}) AS hits, groupArrayIf(5)(key, ${hit}) AS examples
    FROM ${store.table('transactions')} FINAL
    WHERE flow IN ${sql.param([...flowIds], 'Array(String)')} ${plants}
      AND status != 'in_progress'
      AND coalesce(problem_deadline_at, completed_at, updated_at)
        >= fromUnixTimestamp64Milli(${sql.param(Math.round(from), 'Int64')})
      AND coalesce(problem_deadline_at, completed_at, updated_at)
        < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
    GROUP BY flow, plant
    ORDER BY flow, plant
    SETTINGS max_execution_time = 30`);
  return rows.map((r) => ({ ...r, judged: Number(r.judged), hits: Number(r.hits) }));
}

/** Per flow and plant over one window: judged transactions and, per status, how many and examples. */
export interface FlowStatusRow {
  flow: string;
  plant: string;
  judged: number;
  byStatus: Record<string, { hits: number; examples: string[] }>;
}

const COUNTED = ['missing', 'late', 'failed', 'duplicate'] as const;

/**
 * The counts every flow rule of one window and plant scope needs, for all flows, in one scan: the
 * evaluator runs it once per cycle and derives each rule's rows from it (flowRowsOf), instead of one
 * scan of `transactions` per rule. Rules filtering failures by error category keep their own query.
 */
export async function queryFlowStatusCounts(
  store: Store,
  scope: { window: number; plants: readonly string[] },
  flowIds: readonly string[],
  now: number,
): Promise<FlowStatusRow[]> {
  const plants = scope.plants.length
    ? sql`AND plant IN ${sql.param([...scope.plants], 'Array(String)')}`
    : sql.empty();
  const perStatus = sql.join(
    COUNTED.map(
      (s, i) =>
        sql`countIf(status = ${s}) AS ${sql.id(`hits_${i}`)}, groupArrayIf(5)(key, status = ${s}) AS ${sql.id(`examples_${i}`)}`,
    ),
    ', ',
  );
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT CAST(flow, 'String') AS flow, CAST(plant, 'String') AS plant, count() AS judged, ${perStatus}
    FROM ${store.table('transactions')} FINAL
    WHERE flow IN ${sql.param([...flowIds], 'Array(String)')} ${plants}
      AND status != 'in_progress'
      AND coalesce(problem_deadline_at, completed_at, updated_at)
        >= fromUnixTimestamp64Milli(${sql.param(Math.round(now - scope.window), 'Int64')})
      AND coalesce(problem_deadline_at, completed_at, updated_at)
        < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
    GROUP BY flow, plant
    ORDER BY flow, plant
    SETTINGS max_execution_time = 30`);
  return rows.map((r) => ({
    flow: String(r.flow),
    plant: String(r.plant),
    judged: Number(r.judged),
    byStatus: Object.fromEntries(
      COUNTED.map((s, i) => [s, { hits: Number(r[`hits_${i}`]), examples: r[`examples_${i}`] as string[] }]),
    ),
  }));
}

/** One rule's rows out of the shared counts: its flows, its status. */
export function flowRowsOf(
  rule: FlowRule,
  rows: readonly FlowStatusRow[],
  flowIds: readonly string[],
): FlowCountRow[] {
  const flows = new Set(flowIds);
  return rows
    .filter((r) => flows.has(r.flow))
    .map((r) => ({
      flow: r.flow,
      plant: r.plant,
      judged: r.judged,
      hits: r.byStatus[rule.condition.status]?.hits ?? 0,
      examples: r.byStatus[rule.condition.status]?.examples ?? [],
    }));
}
