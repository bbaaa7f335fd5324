import type { DependencyHealth, FlowHealthRow, RedMetrics } from '@linewatch/schema';

/**
 * Error-rate thresholds of traced health. 1 % errors is what an integration with retries absorbs
 * without a user noticing; at 5 % transactions start to fail visibly.
 */
export const ERROR_RATE_DEGRADED = 0.01;
export const ERROR_RATE_FAILING = 0.05;
/** On-time ratio below which a flow is failing, whatever its SLO target. */
export const ON_TIME_FAILING = 0.9;
/** Share of missing + failed transactions above which a flow is failing. */
export const BROKEN_SHARE_FAILING = 0.05;

const RANK: Record<DependencyHealth, number> = { unknown: 0, idle: 1, healthy: 2, degraded: 3, failing: 4 };

/** The worse of several health values (failing > degraded > healthy > idle > unknown). */
export function worstHealth(values: readonly DependencyHealth[]): DependencyHealth {
  let worst: DependencyHealth = 'unknown';
  for (const v of values) if (RANK[v] > RANK[worst]) worst = v;
  return worst;
}

/** Health from traced RED metrics: idle without calls, else by error rate. */
export function healthFromRed(metrics: RedMetrics | null | undefined): DependencyHealth {
  if (!metrics) return 'unknown';
  if (metrics.calls === 0) return 'idle';
  if (metrics.errorRate >= ERROR_RATE_FAILING) return 'failing';
  if (metrics.errorRate >= ERROR_RATE_DEGRADED) return 'degraded';
  return 'healthy';
}

/** The figures of a flow that decide its health on the map. */
export type FlowFigures = Pick<
  FlowHealthRow,
  'volume' | 'onTimeRatio' | 'late' | 'missing' | 'failed' | 'sloTarget'
>;

/**
 * Health of a flow from its figures: failing when on-time falls below 90 % or 5 % of transactions
 * are missing or failed; degraded below its SLO target or with any missing/failed; idle without volume.
 */
export function healthFromFlowFigures(figures: FlowFigures | undefined): DependencyHealth {
  if (!figures) return 'unknown';
  if (figures.volume === 0) return 'idle';
  const broken = figures.missing + figures.failed;
  if (
    (figures.onTimeRatio !== null && figures.onTimeRatio < ON_TIME_FAILING) ||
    broken / figures.volume >= BROKEN_SHARE_FAILING
  )
    return 'failing';
  if ((figures.onTimeRatio !== null && figures.onTimeRatio < figures.sloTarget) || broken > 0)
    return 'degraded';
  return 'healthy';
}

/** RED metrics from counts and percentiles in nanoseconds over a window of `seconds`. */
export function redMetrics(
  calls: number,
  errors: number,
  p50Ns: number | null,
  p95Ns: number | null,
  seconds: number,
): RedMetrics {
  const ms = (ns: number | null) =>
    calls > 0 && ns !== null && Number.isFinite(ns) ? Math.round(ns / 1e3) / 1e3 : null;
  return {
    calls,
    errors,
    errorRate: calls > 0 ? Math.min(1, errors / calls) : 0,
    ratePerSecond: seconds > 0 ? calls / seconds : 0,
    p50Ms: ms(p50Ns),
    p95Ms: ms(p95Ns),
  };
}
