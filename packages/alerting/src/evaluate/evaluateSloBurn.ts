import type { AlertRule } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import type { RuleSample } from './evaluateFlowRule.ts';

type SloBurnRule = Extract<AlertRule, { kind: 'slo_burn' }>;

// Multi-window, multi-burn-rate alerting on a flow's on-time objective (Google SRE workbook, ch. 5):
// the burn rate of a window is its share of bad transactions over the share the objective allows
// (1 − onTimeTarget). A window pair fires when both its long and its short window burn faster than
// the pair's rate: the long window proves the budget is really going, the short one that it still is
// (so the alert resolves soon after the cause is fixed). Every transaction no longer in progress is
// judged; on time are the completed and recovered ones, anything else (late, missing, failed,
// duplicate) is bad: the budget this burns is the one flow health and the weekly report show
// (correlation flowHealth.ts, reports buildReport.ts: on time = completed + recovered).

/** Judged and bad transactions of one flow at one plant, per distinct window length (ms). */
export interface SloWindowRow {
  flow: string;
  plant: string;
  /** By window length in ms. */
  windows: Record<number, { judged: number; bad: number }>;
  /** Up to 5 bad business keys of the shortest window. */
  examples: string[];
}

/** The distinct window lengths of a rule, shortest first. */
export function sloWindows(rule: SloBurnRule): number[] {
  return [...new Set(rule.windows.flatMap((w) => [w.long, w.short]))].sort((a, b) => a - b);
}

const burnOf = (w: { judged: number; bad: number } | undefined, budget: number) =>
  w && w.judged > 0 ? w.bad / w.judged / budget : 0;

/**
 * Burn-rate samples: per flow and plant, the first window pair (in the rule's order, pages before
 * tickets) whose long and short burn rates both exceed its rate; labelled with that pair's severity.
 * The value is the long window's burn rate (of the firing pair, else of the first pair). Fewer than
 * `minVolume` judged transactions in a pair's long window: that pair gives no verdict.
 * @example sloBurnSamples(rule, rows, () => 0.99)
 */
export function sloBurnSamples(
  rule: SloBurnRule,
  rows: readonly SloWindowRow[],
  targetOf: (flow: string) => number | undefined,
): RuleSample[] {
  const samples: RuleSample[] = [];
  for (const r of rows) {
    const target = targetOf(r.flow);
    if (target === undefined || target >= 1) continue;
    const budget = 1 - target;
    const firing = rule.windows.find((w) => {
      const long = r.windows[w.long];
      if (!long || long.judged < rule.minVolume) return false;
      return burnOf(long, budget) > w.burnRate && burnOf(r.windows[w.short], budget) > w.burnRate;
    });
    const shown = firing ?? rule.windows[0];
    if (!shown) continue;
    const long = r.windows[shown.long];
    samples.push({
      // The severity is part of the identity: a page that calms to a ticket resolves the page.
      labels: { flow: r.flow, plant: r.plant, severity: shown.severity },
      value: Math.round(burnOf(long, budget) * 100) / 100,
      active: firing !== undefined,
      examples: firing ? r.examples.slice(0, 5) : [],
      transactions: long?.bad ?? 0,
    });
  }
  return samples;
}

/**
 * Judged and bad transactions per flow and plant for each window length ending at `now`, in one
 * scan of the longest window (a transaction is judged at its deadline or completion).
 */
export async function querySloWindows(
  store: Store,
  rule: SloBurnRule,
  flowIds: readonly string[],
  now: number,
): Promise<SloWindowRow[]> {
  const windows = sloWindows(rule);
  const longest = windows[windows.length - 1] ?? 0;
  const judgedAt = sql`coalesce(problem_deadline_at, completed_at, updated_at)`;
  const since = (ms: number) =>
    sql`${judgedAt} >= fromUnixTimestamp64Milli(${sql.param(Math.round(now - ms), 'Int64')})`;
  const bad = sql`status NOT IN ('completed', 'recovered')`;
  const columns = sql.join(
    windows.map(
      (ms, i) =>
        sql`countIf(${since(ms)}) AS ${sql.id(`judged_${i}`)}, countIf(${since(ms)} AND ${bad}) AS ${sql.id(`bad_${i}`)}`,
    ),
    ', ',
  );
  const plants = rule.plants.length
    ? sql`AND plant IN ${sql.param(rule.plants, 'Array(String)')}`
    : sql.empty();
  const rows = await store.query<Record<string, unknown>>(sql`
    SELECT CAST(flow, 'String') AS flow, CAST(plant, 'String') AS plant, ${columns},
      groupArrayIf(5)(key, ${bad} AND ${since(windows[0] ?? longest)}) AS examples
    FROM ${store.table('transactions')} FINAL
    WHERE flow IN ${sql.param([...flowIds], 'Array(String)')} ${plants}
      AND status != 'in_progress' AND ${since(longest)}
      AND ${judgedAt} < fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})
    GROUP BY flow, plant
    ORDER BY flow, plant
    SETTINGS max_execution_time = 30`);
  return rows.map((r) => ({
    flow: String(r.flow),
    plant: String(r.plant),
    windows: Object.fromEntries(
      windows.map((ms, i) => [ms, { judged: Number(r[`judged_${i}`]), bad: Number(r[`bad_${i}`]) }]),
    ),
    examples: r.examples as string[],
  }));
}
