import { describe, expect, it } from 'vitest';
import { Random } from './random.ts';

describe('Random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('keeps forked streams independent of draws on the parent', () => {
    const one = new Random('s');
    const two = new Random('s');
    two.next();
    two.next();
    expect(one.fork('x').next()).toBe(two.fork('x').next());
  });

  it('draws floats in [0, 1) with a mean near one half', () => {
    const r = new Random(1);
    const xs = Array.from({ length: 20_000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('draws log-normal values whose median is the given median, with a long right tail', () => {
    const r = new Random(2);
    const xs = Array.from({ length: 10_001 }, () => r.logNormal(1000, 0.8)).sort((a, b) => a - b);
    expect(xs[5000]).toBeGreaterThan(900);
    expect(xs[5000]).toBeLessThan(1100);
    expect(xs[9900]! / xs[5000]!).toBeGreaterThan(5);
  });

  it('draws Poisson counts whose mean is the given mean', () => {
    const r = new Random(3);
    for (const mean of [0.8, 12, 400]) {
      let sum = 0;
      for (let i = 0; i < 5_000; i++) sum += r.poisson(mean);
      expect(sum / 5_000).toBeGreaterThan(mean * 0.93);
      expect(sum / 5_000).toBeLessThan(mean * 1.07);
    }
  });

  it('makes lowercase hex ids of the asked length', () => {
    const r = new Random(4);
    expect(r.hex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(r.hex(8)).toMatch(/^[0-9a-f]{16}$/);
    expect(r.hex(16)).not.toBe(r.hex(16));
  });
});
