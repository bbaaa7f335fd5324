import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatCount, formatMs, formatRatio, formatValue } from './format.ts';

describe('formatting', () => {
  it('formats durations, ratios and counts the way operators read them', () => {
    expect([formatMs(660_000), formatMs(420), formatMs(null)]).toEqual(['11m', '420ms', '–']);
    expect([formatRatio(1), formatRatio(0.9923), formatRatio(0.99995), formatRatio(null)]).toEqual([
      '100%',
      '99.2%',
      '99.9%',
      '–',
    ]);
    expect([formatCount(12345), formatCount(2_500_000), formatCount(1.5)]).toEqual([
      '12,345',
      '2.5M',
      '1.50',
    ]);
  });

  it('formats values by the unit a named query declares', () => {
    expect(formatValue(2.5, 'percent')).toBe('2.50%');
    expect(formatValue(90, 's')).toBe('1m30s');
    expect(formatValue(3 * 1024 * 1024, 'bytes')).toBe('3.0 MB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatValue(null)).toBe('–');
    expect(formatValue('P01')).toBe('P01');
  });

  it('says how long ago a time was, or how far ahead', () => {
    const now = Date.parse('2026-11-27T10:00:00Z');
    expect(formatAgo('2026-11-27T09:57:00Z', now)).toBe('3m ago');
    expect(formatAgo('2026-11-27T10:02:00Z', now)).toBe('in 2m');
  });
});
