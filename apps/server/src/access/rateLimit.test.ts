import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rateLimit.ts';

describe('rate limiter', () => {
  it('allows the limit per window and key, then says when to retry', () => {
    let t = 1_000_000;
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('10.0.0.1').ok)).toEqual([true, true, true]);
    expect(limiter.take('10.0.0.1')).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take('10.0.0.2').ok).toBe(true);
    t += 45_000;
    expect(limiter.take('10.0.0.1')).toEqual({ ok: false, retryAfterSeconds: 15 });
    t += 15_000;
    expect(limiter.take('10.0.0.1')).toEqual({ ok: true, remaining: 2 });
  });

  it('forgets a key on reset and keeps at most maxKeys', () => {
    let t = 0;
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, now: () => t, maxKeys: 10 });
    limiter.take('a');
    expect(limiter.take('a').ok).toBe(false);
    limiter.reset('a');
    expect(limiter.take('a').ok).toBe(true);
    for (let i = 0; i < 50; i++) limiter.take(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(10);
    t += 1000;
    limiter.take('z');
    expect(limiter.size).toBe(1);
  });
});
