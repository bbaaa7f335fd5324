import { describe, expect, it } from 'vitest';
import { pivotSeries } from './pivot.ts';

describe('pivotSeries', () => {
  it('turns long rows into one column per series, zero-filling buckets a series skipped', () => {
    const rows = [
      { t: '2026-11-27T08:00:00Z', series: 'ok', events: 10 },
      { t: '2026-11-27T08:00:00Z', series: 'failed', events: 1 },
      { t: '2026-11-27T08:05:00Z', series: 'ok', events: 12 },
    ];
    expect(pivotSeries(rows, 't', ['events'], 'series')).toEqual({
      keys: ['ok', 'failed'],
      data: [
        { t: '2026-11-27T08:00:00Z', ok: 10, failed: 1 },
        { t: '2026-11-27T08:05:00Z', ok: 12, failed: 0 },
      ],
    });
  });

  it('folds series beyond the limit into "other"', () => {
    const rows = ['a', 'b', 'c'].map((s, i) => ({ t: 'x', series: s, v: 3 - i }));
    expect(pivotSeries(rows, 't', ['v'], 'series', 2)).toEqual({
      keys: ['a', 'b', 'other'],
      data: [{ t: 'x', a: 3, b: 2, other: 1 }],
    });
  });

  it('uses each y column as a series when there is no series column', () => {
    expect(pivotSeries([{ t: 'x', p50: 1, p95: 2, extra: 9 }], 't', ['p50', 'p95'])).toEqual({
      keys: ['p50', 'p95'],
      data: [{ t: 'x', p50: 1, p95: 2 }],
    });
  });
});
