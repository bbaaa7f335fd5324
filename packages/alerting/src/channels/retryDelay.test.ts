import { describe, expect, it } from 'vitest';
import { retryDelay } from './retryDelay.ts';

const backoff = { base: 5_000, cap: 300_000 };

describe('retryDelay', () => {
  it('waits the base after the first attempt and doubles after each further one', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, backoff))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000,
    ]);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(retryDelay(7, backoff)).toBe(300_000);
    expect(retryDelay(10_000, backoff)).toBe(300_000);
  });

  it('gives the same delay for the same attempt every time', () => {
    expect(retryDelay(4, backoff)).toBe(retryDelay(4, backoff));
  });

  it('treats an attempt below one as the first', () => {
    expect(retryDelay(0, backoff)).toBe(5_000);
    expect(retryDelay(-3, backoff)).toBe(5_000);
  });

  it('waits as long as a receiver asked with Retry-After, but no longer than the cap', () => {
    expect(retryDelay(1, { ...backoff, retryAfterMs: 60_000 })).toBe(60_000);
    expect(retryDelay(1, { ...backoff, retryAfterMs: 3_600_000 })).toBe(300_000);
    expect(retryDelay(4, { ...backoff, retryAfterMs: 1_000 })).toBe(40_000);
  });
});
