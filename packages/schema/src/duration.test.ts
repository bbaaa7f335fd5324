import { describe, expect, it } from 'vitest';
import { DurationSchema, formatDuration, parseDuration } from './duration.ts';

describe('durations', () => {
  it('parses compound durations into milliseconds', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('7d')).toBe(604_800_000);
  });

  it('rejects text that is not entirely a duration', () => {
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration('m5')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(DurationSchema.safeParse('soon').error?.issues[0]?.message).toBe(
      'expected a duration like "5m", got "soon"',
    );
    expect(DurationSchema.safeParse(-1).success).toBe(false);
  });

  it('formats lateness the way a plant manager reads it', () => {
    expect(formatDuration(660_000)).toBe('11m');
    expect(formatDuration(3_900_000)).toBe('1h05m');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(-90_000)).toBe('-1m30s');
  });
});
