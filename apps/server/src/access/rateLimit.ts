/**
 * A fixed-window counter per key (a principal id, an address, a user name tried at sign-in), pure
 * over an injected clock: `take(key)` answers whether one more request fits and, if not, how many
 * seconds until it does. Memory is bounded: keys whose window ended are swept.
 */
export interface RateLimiter {
  take(
    key: string,
    cost?: number,
  ): { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number };
  /** Forgets a key (e.g. after a successful sign-in). */
  reset(key: string): void;
  readonly size: number;
}

export interface RateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Most keys tracked; beyond it the oldest windows are dropped first. */
  maxKeys?: number;
}

/** @example const signIn = createRateLimiter({ limit: 5, windowMs: 60_000 }); if (!signIn.take(ip).ok) return 429 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { start: number; used: number }>();
  let lastSweep = 0;

  function sweep(t: number): void {
    if (t - lastSweep < options.windowMs && windows.size < maxKeys) return;
    lastSweep = t;
    for (const [k, w] of windows) if (t - w.start >= options.windowMs) windows.delete(k);
    // Still full: drop the oldest windows (Map keeps insertion order).
    for (const k of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(k);
    }
  }

  return {
    take(key, cost = 1) {
      const t = now();
      sweep(t);
      let w = windows.get(key);
      if (!w || t - w.start >= options.windowMs) {
        windows.delete(key);
        w = { start: t, used: 0 };
        windows.set(key, w);
      }
      if (w.used + cost > options.limit)
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil((w.start + options.windowMs - t) / 1000)),
        };
      w.used += cost;
      return { ok: true, remaining: options.limit - w.used };
    },
    reset(key) {
      windows.delete(key);
    },
    get size() {
      return windows.size;
    },
  };
}
