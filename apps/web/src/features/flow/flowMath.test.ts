import { describe, expect, it } from 'vitest';
import { burnRate, sloSeries, stepGaps } from './flowMath.ts';

describe('SLO arithmetic', () => {
  it('burns the error budget twice as fast at 98% on time against a 99% target', () => {
    expect(burnRate(0.98, 0.99)).toBe(2);
    expect(burnRate(1, 0.99)).toBe(0);
    expect(burnRate(null, 0.99)).toBeNull();
  });

  it('computes on-time % per bucket over finished transactions only', () => {
    expect(sloSeries([{ t: 'x', started: 12, in_progress: 2, on_time: 9 }], 0.95)).toEqual([
      { t: 'x', on_time_pct: 90, target_pct: 95, burn: 2 },
    ]);
    expect(sloSeries([{ t: 'y', started: 3, in_progress: 3, on_time: 0 }], 0.95)[0]?.on_time_pct).toBeNull();
  });

  it("orders step latency by the flow's steps and measures the gap from the previous step", () => {
    const steps = [
      { id: 'released', name: 'Released', system: 'odoo' },
      { id: 'started', name: 'Started', system: 'mes' },
      { id: 'confirmed', name: 'Confirmed', system: 'odoo' },
    ];
    const rows = [
      { step: 'confirmed', transactions: 5, p50_ms: 90_000, p95_ms: 120_000 },
      { step: 'released', transactions: 5, p50_ms: 0, p95_ms: 0 },
    ];
    expect(stepGaps(steps, rows).map((s) => [s.step, s.p50, s.gap])).toEqual([
      ['released', 0, null],
      ['started', null, null],
      ['confirmed', 90_000, 90_000],
    ]);
  });
});
