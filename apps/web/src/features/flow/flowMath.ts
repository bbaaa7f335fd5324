import type { QueryCell } from '@linewatch/schema';
import type { ChartRow } from '../../components/charts/pivot.ts';

/**
 * Error-budget burn rate: how fast late, missing and failed transactions spend the budget the
 * on-time target allows (1 = exactly on budget, 2 = twice as fast). Null when nothing finished.
 * @example burnRate(0.98, 0.99) // 2
 */
export function burnRate(onTimeRatio: number | null, target: number): number | null {
  if (onTimeRatio === null) return null;
  const budget = 1 - target;
  if (budget <= 0) return onTimeRatio >= 1 ? 0 : Infinity;
  return Math.round(((1 - onTimeRatio) / budget) * 100) / 100;
}

/** Per bucket of `transactions_over_time`: on-time % of finished transactions and the burn rate. */
export function sloSeries(rows: readonly Record<string, QueryCell>[], target: number): ChartRow[] {
  return rows.map((r) => {
    const started = Number(r.started ?? 0);
    const finished = started - Number(r.in_progress ?? 0);
    const ratio = finished > 0 ? Number(r.on_time ?? 0) / finished : null;
    return {
      t: r.t ?? null,
      on_time_pct: ratio === null ? null : Math.round(ratio * 10000) / 100,
      target_pct: Math.round(target * 10000) / 100,
      burn: burnRate(ratio, target),
    };
  });
}

/** Step offsets in the flow's order, with the gap from the previous step's median. */
export function stepGaps(
  steps: readonly { id: string; name: string; system: string }[],
  rows: readonly Record<string, QueryCell>[],
): {
  step: string;
  name: string;
  system: string;
  transactions: number;
  p50: number | null;
  p95: number | null;
  gap: number | null;
}[] {
  const byStep = new Map(rows.map((r) => [String(r.step), r]));
  let prev: number | null = null;
  return steps.map((s) => {
    const r = byStep.get(s.id);
    const p50 = r?.p50_ms === undefined || r.p50_ms === null ? null : Number(r.p50_ms);
    const gap = p50 !== null && prev !== null ? p50 - prev : null;
    if (p50 !== null) prev = p50;
    return {
      step: s.id,
      name: s.name,
      system: s.system,
      transactions: Number(r?.transactions ?? 0),
      p50,
      p95: r?.p95_ms === undefined || r.p95_ms === null ? null : Number(r.p95_ms),
      gap,
    };
  });
}
