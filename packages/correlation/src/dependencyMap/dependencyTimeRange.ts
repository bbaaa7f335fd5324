/** A time range resolved from `from`/`to`/`window` query fields. */
export interface DependencyTimeRange {
  from: Date;
  to: Date;
}

/** The time range was malformed or inverted; `field` names the query field at fault. */
export class TimeRangeError extends Error {
  override readonly name = 'TimeRangeError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves `from`/`to` (RFC 3339) or `window` (ms) ending at `to` (default `now`); `from` wins over
 * `window`. Throws TimeRangeError when a time does not parse or `from` is not before `to`.
 */
export function resolveDependencyTimeRange(
  q: { from?: string | undefined; to?: string | undefined; window?: number | undefined },
  now: number,
  defaultWindowMs: number,
): DependencyTimeRange {
  const parse = (field: string, text: string) => {
    const ms = Date.parse(text);
    if (Number.isNaN(ms))
      throw new TimeRangeError(field, `${field}: expected an RFC 3339 time like 2026-11-27T08:15:00Z`);
    return ms;
  };
  const to = q.to !== undefined ? parse('to', q.to) : now;
  const from = q.from !== undefined ? parse('from', q.from) : to - (q.window ?? defaultWindowMs);
  if (from >= to) throw new TimeRangeError('from', 'from: must be before to');
  return { from: new Date(from), to: new Date(to) };
}

const NICE_STEPS_S = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** A step (seconds) giving at most `maxPoints` buckets over the range: the requested one if it fits, else the next round step. */
export function chooseStepSeconds(
  range: DependencyTimeRange,
  requestedMs: number | undefined,
  maxPoints = 360,
  targetPoints = 60,
): number {
  const span = (range.to.getTime() - range.from.getTime()) / 1000;
  const minStep = span / maxPoints;
  if (requestedMs !== undefined) {
    const s = Math.max(1, Math.round(requestedMs / 1000));
    if (s >= minStep) return s;
  }
  const wanted = Math.max(minStep, span / targetPoints);
  return NICE_STEPS_S.find((s) => s >= wanted) ?? Math.ceil(wanted / 86400) * 86400;
}

/** Start (ms) of the bucket holding `ms`, buckets aligned to the Unix epoch like ClickHouse's toStartOfInterval. */
export function bucketStart(ms: number, stepSeconds: number): number {
  const step = stepSeconds * 1000;
  return Math.floor(ms / step) * step;
}
