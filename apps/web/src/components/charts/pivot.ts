import type { QueryCell } from '@linewatch/schema';

/** One point of a chart: the x value and one number per series key. */
export type ChartRow = Record<string, string | number | null>;

/**
 * Turns long rows (t, series, value) into wide rows for a chart (t, seriesA, seriesB …); without a
 * series column each y column is its own series. Series are ordered by their total, largest first,
 * and at most `maxSeries` are kept (the rest are summed into "other").
 * @example pivotSeries(rows, 't', ['events'], 'series')
 */
export function pivotSeries(
  rows: readonly Record<string, QueryCell>[],
  x: string,
  y: readonly string[],
  series?: string,
  maxSeries = 8,
): { data: ChartRow[]; keys: string[] } {
  if (!series) {
    return {
      data: rows.map((r) => Object.fromEntries([x, ...y].map((k): [string, QueryCell] => [k, r[k] ?? null]))),
      keys: [...y],
    };
  }
  const valueCol = y[0] as string;
  const totals = new Map<string, number>();
  for (const r of rows) {
    const name = String(r[series] ?? '');
    totals.set(name, (totals.get(name) ?? 0) + Number(r[valueCol] ?? 0));
  }
  const ranked = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k]) => k);
  const kept = new Set(ranked.slice(0, maxSeries));
  const hasOther = ranked.length > maxSeries;
  const byX = new Map<string, ChartRow>();
  for (const r of rows) {
    const xv = String(r[x] ?? '');
    let row = byX.get(xv);
    if (!row) {
      row = { [x]: r[x] ?? null };
      byX.set(xv, row);
    }
    const name = String(r[series] ?? '');
    const key = kept.has(name) ? name : 'other';
    row[key] = Number(row[key] ?? 0) + Number(r[valueCol] ?? 0);
  }
  const keys = ranked.filter((k) => kept.has(k));
  if (hasOther) keys.push('other');
  const data = [...byX.values()].sort((a, b) => String(a[x]).localeCompare(String(b[x])));
  // Buckets where a series had no row are zero, not a gap: the queries only return non-empty buckets.
  for (const row of data) for (const k of keys) row[k] ??= 0;
  return { data, keys };
}

/** Series colours: distinguishable in both themes and for common colour-vision deficiencies. */
export const PALETTE = [
  '#60a5fa',
  '#f59e0b',
  '#a78bfa',
  '#34d399',
  '#f472b6',
  '#22d3ee',
  '#fb7185',
  '#a3e635',
  '#94a3b8',
];
