import { describe, expect, it } from 'vitest';
import { dueRun, nextOccurrence } from './reportSchedule.ts';

const PARIS = 'Europe/Paris';
const monday6 = Date.parse('2026-11-23T05:00:00Z'); // Monday 06:00 in Paris (UTC+1)
const base = { cron: '0 6 * * 1', cronTimeZone: PARIS, reportTimeZone: PARIS };

describe('the report schedule', () => {
  it('runs at Monday 06:00 plant time and reports on the week that just ended', () => {
    expect(
      dueRun({ ...base, now: monday6 - 1, lastScheduledFor: Date.parse('2026-11-16T05:00:00Z') }),
    ).toBeNull();
    expect(
      dueRun({ ...base, now: monday6 + 30_000, lastScheduledFor: Date.parse('2026-11-16T05:00:00Z') }),
    ).toEqual({
      scheduledFor: monday6,
      week: '2026-W47',
      trigger: 'schedule',
    });
  });

  it('does not run an occurrence twice', () => {
    expect(dueRun({ ...base, now: monday6 + 60_000, lastScheduledFor: monday6 })).toBeNull();
  });

  it('catches up a run missed while down, once, when it comes back', () => {
    const back = Date.parse('2026-11-25T10:00:00Z');
    const due = dueRun({ ...base, now: back, lastScheduledFor: Date.parse('2026-11-09T05:00:00Z') });
    // Two Mondays were missed (16th and 23rd): only the latest is produced.
    expect(due).toEqual({ scheduledFor: monday6, week: '2026-W47', trigger: 'catch_up' });
    expect(dueRun({ ...base, now: back + 60_000, lastScheduledFor: monday6 })).toBeNull();
  });

  it('leaves an occurrence older than the catch-up window alone', () => {
    expect(
      dueRun({
        ...base,
        now: monday6 + 2 * 86_400_000,
        lastScheduledFor: null,
        catchUpMs: 86_400_000,
      }),
    ).toBeNull();
  });

  it('follows the time zone across the end of summer time', () => {
    // Monday 2026-10-26 06:00 in Paris is 05:00Z (after the change); the Monday before, 04:00Z.
    expect(nextOccurrence('0 6 * * 1', PARIS, Date.parse('2026-10-20T00:00:00Z'))).toBe(
      Date.parse('2026-10-26T05:00:00Z'),
    );
    expect(nextOccurrence('0 6 * * 1', PARIS, Date.parse('2026-10-13T00:00:00Z'))).toBe(
      Date.parse('2026-10-19T04:00:00Z'),
    );
  });
});
