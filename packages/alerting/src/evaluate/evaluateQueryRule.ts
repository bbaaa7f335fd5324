import type { AlertRule } from '@linewatch/schema';
import { compare, type RuleSample } from './evaluateFlowRule.ts';

type QueryRule = Extract<AlertRule, { kind: 'query' }>;

/** Runs a named dashboard query with parameters at `now` (the server owns the queries). */
export type RunNamedQuery = (
  name: string,
  params: Readonly<Record<string, string | number>>,
  now: number,
) => Promise<readonly Record<string, unknown>[]>;

/** Thrown when the rule's column is missing or not numeric in the query's answer. */
export class QueryRuleError extends Error {
  override readonly name = 'QueryRuleError';
}

/** A label column's value as text: strings and numbers as they are, anything else as JSON. */
function labelValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? String(v)
    : JSON.stringify(v);
}

/**
 * Query samples: one per answer row, labelled by `labelColumns` (rows with the same labels: the
 * largest value counts), active when `column op threshold`. A `plant` label column makes the alert
 * a plant's, as other rules' are. Carries `key` values (up to 5) as examples when the query has them.
 * @example querySamples(rule, [{ plant: 'P02', system: 'mes', count: 140 }])[0].active
 */
export function querySamples(rule: QueryRule, rows: readonly Record<string, unknown>[]): RuleSample[] {
  const byLabels = new Map<string, RuleSample>();
  for (const row of rows) {
    const raw = row[rule.column];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value))
      throw new QueryRuleError(
        `rule ${rule.id}: column "${rule.column}" of query "${rule.query}" is ${raw === undefined ? 'missing' : 'not a number'}`,
      );
    const labels: Record<string, string> = {};
    for (const c of rule.labelColumns) labels[c] = labelValue(row[c]);
    const id = JSON.stringify(labels);
    const before = byLabels.get(id);
    if (before && before.value >= value) continue;
    const key = row.key;
    byLabels.set(id, {
      labels,
      value,
      active: compare(value, rule.op, rule.threshold),
      examples: typeof key === 'string' ? [key] : [],
      transactions: 0,
    });
  }
  return [...byLabels.values()];
}
