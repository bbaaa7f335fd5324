import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';
import { CONTINUOUS_SHIFTS, sampleArrivals, THREE_SHIFTS, volumeFactor } from './rhythm.ts';

const at = (iso: string) => Date.parse(iso);

describe('volumeFactor', () => {
  it('bursts at a shift change and is quiet at night and on weekends', () => {
    // 2026-11-25 is a Wednesday; the plant is at UTC+1.
    const day = volumeFactor(THREE_SHIFTS, at('2026-11-25T09:00:00Z'), 1);
    const change = volumeFactor(THREE_SHIFTS, at('2026-11-25T13:05:00Z'), 1); // 14:05 local
    const night = volumeFactor(THREE_SHIFTS, at('2026-11-25T01:30:00Z'), 1);
    const sunday = volumeFactor(THREE_SHIFTS, at('2026-11-29T09:00:00Z'), 1);
    expect(day).toBe(1);
    expect(change).toBeGreaterThan(2 * day);
    expect(night).toBeLessThan(day);
    expect(sunday).toBeLessThan(0.5 * day);
  });

  it('keeps a continuous process plant busy at night and on weekends', () => {
    const night = volumeFactor(CONTINUOUS_SHIFTS, at('2026-11-25T01:30:00Z'), 1);
    const sunday = volumeFactor(CONTINUOUS_SHIFTS, at('2026-11-29T09:00:00Z'), 1);
    expect(night).toBeGreaterThan(0.8);
    expect(sunday).toBeGreaterThan(0.8);
  });
});

describe('sampleArrivals', () => {
  it('produces sorted arrivals inside the window at about the asked rate', () => {
    const from = at('2026-11-25T09:00:00Z');
    const arrivals = sampleArrivals(new Random(5), () => 600, 600, from, from + 3_600_000);
    expect(arrivals.length).toBeGreaterThan(540);
    expect(arrivals.length).toBeLessThan(660);
    expect([...arrivals].sort((a, b) => a - b)).toEqual(arrivals);
    expect(arrivals.every((t) => t >= from && t < from + 3_600_000)).toBe(true);
  });

  it('follows a rate that changes within the window', () => {
    const from = at('2026-11-25T09:00:00Z');
    const half = from + 1_800_000;
    const arrivals = sampleArrivals(
      new Random(6),
      (t) => (t < half ? 100 : 900),
      900,
      from,
      from + 3_600_000,
    );
    const early = arrivals.filter((t) => t < half).length;
    const late = arrivals.length - early;
    expect(late).toBeGreaterThan(5 * early);
  });
});
