import { DateTime } from 'luxon';
import { ReportError } from './errors.ts';

/** One ISO week in a time zone: Monday 00:00 to the next Monday 00:00 local time (167 to 169 hours). */
export interface WeekWindow {
  /** `2026-W47`. */
  week: string;
  timeZone: string;
  /** Epoch milliseconds, inclusive. */
  start: number;
  /** Epoch milliseconds, exclusive. */
  end: number;
  /** Hours covered: 168, or 167 / 169 when the clocks change during the week. */
  hours: number;
}

const WEEK = /^(\d{4})-W(\d{2})$/;

/**
 * The window of an ISO week (`2026-W47`) in a time zone.
 * @example weekWindow('2026-W43', 'Europe/Berlin').hours // 169: summer time ends on 2026-10-25
 */
export function weekWindow(week: string, timeZone: string): WeekWindow {
  const m = WEEK.exec(week);
  if (!m) throw new ReportError(`week: expected an ISO week like "2026-W47", got ${JSON.stringify(week)}`);
  const start = DateTime.fromObject(
    { weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 },
    { zone: timeZone },
  );
  if (!start.isValid || start.toFormat("kkkk-'W'WW") !== week)
    throw new ReportError(`week: ${week} does not exist`);
  const end = start.plus({ weeks: 1 });
  return {
    week,
    timeZone,
    start: start.toMillis(),
    end: end.toMillis(),
    hours: end.diff(start, 'hours').hours,
  };
}

/**
 * The ISO week containing an instant in a time zone.
 * @example weekOf(Date.parse('2026-11-23T06:00:00Z'), 'Europe/Berlin') // '2026-W48'
 */
export function weekOf(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toFormat("kkkk-'W'WW");
}

/** The ISO week `n` weeks before (negative: after) `week`. */
export function shiftWeek(week: string, n: number, timeZone: string): string {
  const w = weekWindow(week, timeZone);
  return DateTime.fromMillis(w.start, { zone: timeZone }).minus({ weeks: n }).toFormat("kkkk-'W'WW");
}

/** The last week that has fully ended at `now` in a time zone (what a Monday run reports on). */
export function lastCompleteWeek(now: number, timeZone: string): string {
  return shiftWeek(weekOf(now, timeZone), 1, timeZone);
}
