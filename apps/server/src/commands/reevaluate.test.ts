import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { parseWhen } from './reevaluate.ts';

describe('linewatch reevaluate times', () => {
  const now = Date.parse('2026-11-27T08:00:00Z');

  it('reads a duration as that long before now', () => {
    expect(parseWhen('--from', '7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseWhen('--from', '1h30m', now)).toBe(now - 90 * 60_000);
  });

  it('reads an RFC 3339 time', () => {
    expect(parseWhen('--to', '2026-11-20T00:00:00Z', now)).toBe(Date.parse('2026-11-20T00:00:00Z'));
  });

  it('names the flag of a time it cannot read', () => {
    expect(() => parseWhen('--from', 'last tuesday', now)).toThrow(ConfigError);
    expect(() => parseWhen('--from', 'last tuesday', now)).toThrow(/--from: expected an RFC 3339 time/);
  });
});
