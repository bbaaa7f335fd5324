import { describe, expect, it } from 'vitest';
import { lastCompleteWeek, shiftWeek, weekOf, weekWindow } from './isoWeek.ts';

describe('ISO weeks in a plant time zone', () => {
  it('covers 169 hours in the week summer time ends in Europe/Berlin (2026-10-25)', () => {
    const w = weekWindow('2026-W43', 'Europe/Berlin');
    expect(new Date(w.start).toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(new Date(w.end).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(w.hours).toBe(169);
  });

  it('covers 167 hours in the week summer time starts (2026-03-29) and 168 otherwise', () => {
    expect(weekWindow('2026-W13', 'Europe/Berlin').hours).toBe(167);
    expect(weekWindow('2026-W47', 'Europe/Berlin').hours).toBe(168);
    expect(weekWindow('2026-W43', 'UTC').hours).toBe(168);
  });

  it('starts the week at Monday 00:00 local time', () => {
    expect(new Date(weekWindow('2026-W47', 'America/New_York').start).toISOString()).toBe(
      '2026-11-16T05:00:00.000Z',
    );
  });

  it('finds the week of an instant, counted in the time zone, across a year boundary', () => {
    // Sunday 23:30 UTC is already Monday in Berlin.
    expect(weekOf(Date.parse('2026-11-22T23:30:00Z'), 'Europe/Berlin')).toBe('2026-W48');
    expect(weekOf(Date.parse('2026-11-22T23:30:00Z'), 'UTC')).toBe('2026-W47');
    expect(weekOf(Date.parse('2027-01-01T12:00:00Z'), 'UTC')).toBe('2026-W53');
    expect(shiftWeek('2027-W01', 1, 'UTC')).toBe('2026-W53');
    expect(shiftWeek('2026-W47', 4, 'Europe/Berlin')).toBe('2026-W43');
  });

  it('names the last complete week as what a Monday 06:00 run reports on', () => {
    expect(lastCompleteWeek(Date.parse('2026-11-23T05:00:00Z'), 'Europe/Berlin')).toBe('2026-W47');
  });

  it('rejects a malformed or non-existent week', () => {
    expect(() => weekWindow('2026-47', 'UTC')).toThrow(/expected an ISO week/);
    expect(() => weekWindow('2025-W53', 'UTC')).toThrow(/does not exist/);
  });
});
