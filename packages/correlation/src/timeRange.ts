/** A query's time range could not be understood. */
export class InvalidTimeRangeError extends Error {
  override readonly name = 'InvalidTimeRangeError';
}

/** A resolved time range in epoch milliseconds, `from` inclusive, `to` exclusive. */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * Resolves `from`/`to` (RFC 3339) or `window` (milliseconds, ending at `to`) into epoch milliseconds;
 * with neither, the `defaultWindowMs` before `now`.
 * @example resolveTimeRange({ window: 3_600_000 }, Date.now()) // the last hour
 */
export function resolveTimeRange(
  query: { from?: string; to?: string; window?: number },
  now: number,
  defaultWindowMs = 24 * 3_600_000,
): TimeRange {
  const parse = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms))
      throw new InvalidTimeRangeError(`${name}: expected an RFC 3339 time like 2026-11-27T08:00:00Z`);
    return ms;
  };
  const to = parse('to', query.to) ?? now;
  const from = parse('from', query.from) ?? to - (query.window ?? defaultWindowMs);
  if (from >= to) throw new InvalidTimeRangeError('from: must be before to');
  return { from, to };
}
