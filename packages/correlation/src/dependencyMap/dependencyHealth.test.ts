import { describe, expect, it } from 'vitest';
import { healthFromFlowFigures, healthFromRed, redMetrics, worstHealth } from './dependencyHealth.ts';
import { makeHealthRow } from './fixtures.ts';

describe('healthFromRed', () => {
  it('is idle without calls and unknown without metrics', () => {
    expect(healthFromRed(redMetrics(0, 0, null, null, 60))).toBe('idle');
    expect(healthFromRed(null)).toBe('unknown');
  });

  it('grades by error rate: under 1 % healthy, from 1 % degraded, from 5 % failing', () => {
    expect(healthFromRed(redMetrics(1000, 9, 1, 1, 60))).toBe('healthy');
    expect(healthFromRed(redMetrics(1000, 10, 1, 1, 60))).toBe('degraded');
    expect(healthFromRed(redMetrics(1000, 50, 1, 1, 60))).toBe('failing');
  });
});

describe('healthFromFlowFigures', () => {
  it('is healthy when every transaction is on time and nothing is missing or failed', () => {
    expect(healthFromFlowFigures(makeHealthRow('f'))).toBe('healthy');
  });

  it('is degraded below the SLO target or with any missing or failed transaction', () => {
    expect(healthFromFlowFigures(makeHealthRow('f', { onTimeRatio: 0.95 }))).toBe('degraded');
    expect(healthFromFlowFigures(makeHealthRow('f', { failed: 1 }))).toBe('degraded');
  });

  it('is failing under 90 % on time or with 5 % of transactions missing or failed', () => {
    expect(healthFromFlowFigures(makeHealthRow('f', { onTimeRatio: 0.89 }))).toBe('failing');
    expect(healthFromFlowFigures(makeHealthRow('f', { missing: 3, failed: 2 }))).toBe('failing');
  });

  it('is idle without volume and unknown without figures', () => {
    expect(healthFromFlowFigures(makeHealthRow('f', { volume: 0, onTimeRatio: null }))).toBe('idle');
    expect(healthFromFlowFigures(undefined)).toBe('unknown');
  });
});

describe('worstHealth', () => {
  it('prefers failing over degraded over healthy over idle over unknown', () => {
    expect(worstHealth(['healthy', 'failing', 'degraded'])).toBe('failing');
    expect(worstHealth(['idle', 'healthy'])).toBe('healthy');
    expect(worstHealth(['unknown', 'idle'])).toBe('idle');
    expect(worstHealth([])).toBe('unknown');
  });
});

describe('redMetrics', () => {
  it('turns nanosecond percentiles into milliseconds and counts into a rate', () => {
    expect(redMetrics(120, 6, 12_345_678, 98_765_432, 60)).toEqual({
      calls: 120,
      errors: 6,
      errorRate: 0.05,
      ratePerSecond: 2,
      p50Ms: 12.346,
      p95Ms: 98.765,
    });
  });
});
