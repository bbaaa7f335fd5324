/**
 * Milliseconds to wait before attempt `attempt + 1` after `attempt` failed: `base`, then doubling, never above `cap`.
 * No jitter, so the outbox schedule is reproducible; a `retryAfterMs` the receiver asked for (HTTP Retry-After)
 * is honoured up to `cap`.
 * @example
 * retryDelay(3, { base: 5_000, cap: 300_000 }); // 20_000
 */
export function retryDelay(
  attempt: number,
  options: { base: number; cap: number; retryAfterMs?: number | undefined },
): number {
  const { base, cap } = options;
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2^52 already exceeds any cap in milliseconds; bounding the exponent keeps base * 2^k finite.
  const exponential = Math.min(cap, base * 2 ** Math.min(n - 1, 52));
  const asked = options.retryAfterMs;
  return asked !== undefined && asked > exponential ? Math.min(cap, asked) : exponential;
}
