import { describe, expect, it } from 'vitest';
import { chooseStepSeconds, resolveDependencyTimeRange, TimeRangeError } from './dependencyTimeRange.ts';

const NOW = Date.parse('2026-11-27T10:00:00Z');

describe('resolveDependencyTimeRange', () => {
  it('defaults to the window ending now', () => {
    const r = resolveDependencyTimeRange({}, NOW, 15 * 60_000);
    expect(r.from.toISOString()).toBe('2026-11-27T09:45:00.000Z');
    expect(r.to.toISOString()).toBe('2026-11-27T10:00:00.000Z');
  });

  it('takes a window ending at `to`, and `from` over `window`', () => {
    expect(
      resolveDependencyTimeRange(
        { to: '2026-11-27T08:00:00Z', window: 3_600_000 },
        NOW,
        1,
      ).from.toISOString(),
    ).toBe('2026-11-27T07:00:00.000Z');
    expect(
      resolveDependencyTimeRange(
        { from: '2026-11-27T09:59:00Z', window: 3_600_000 },
        NOW,
        1,
      ).from.toISOString(),
    ).toBe('2026-11-27T09:59:00.000Z');
  });

  it('rejects a time that does not parse, naming the field', () => {
    expect(() => resolveDependencyTimeRange({ to: 'yesterday' }, NOW, 1)).toThrow(TimeRangeError);
    expect(() => resolveDependencyTimeRange({ to: 'yesterday' }, NOW, 1)).toThrow(/^to: /);
  });

  it('rejects a range whose start is not before its end', () => {
    expect(() => resolveDependencyTimeRange({ from: '2026-11-27T11:00:00Z' }, NOW, 1)).toThrow(
      /from: must be before to/,
    );
  });
});

describe('chooseStepSeconds', () => {
  const hour = { from: new Date(NOW - 3_600_000), to: new Date(NOW) };

  it('picks a round step giving about 60 points', () => {
    expect(chooseStepSeconds(hour, undefined)).toBe(60);
    expect(chooseStepSeconds({ from: new Date(NOW - 7 * 86_400_000), to: new Date(NOW) }, undefined)).toBe(
      10800,
    );
  });

  it('keeps a requested step unless it would give too many points', () => {
    expect(chooseStepSeconds(hour, 15_000)).toBe(15);
    expect(chooseStepSeconds(hour, 1_000)).toBe(60);
  });
});
