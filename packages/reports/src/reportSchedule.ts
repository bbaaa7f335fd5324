import { Cron } from 'croner';
import { lastCompleteWeek } from './isoWeek.ts';

/** A scheduled run to make now. */
export interface DueRun {
  /** The cron occurrence it stands for. */
  scheduledFor: number;
  /** The week it reports on: the last complete week at that occurrence, in the report's time zone. */
  week: string;
  /** schedule: made at its time; catch_up: its time passed while Linewatch was down. */
  trigger: 'schedule' | 'catch_up';
}

/** How late a run may start and still count as on schedule (one worker tick and some). */
export const ON_TIME_MS = 5 * 60_000;

/** The cron occurrences of an expression in a time zone (croner, a maintained library). */
export function cronOf(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone, paused: true });
}

/** The next occurrence after `now`, or null. */
export function nextOccurrence(expression: string, timeZone: string, now: number): number | null {
  return cronOf(expression, timeZone).nextRun(new Date(now))?.getTime() ?? null;
}

/**
 * What to produce now, if anything: the latest occurrence at or before `now` when no report has been
 * recorded for it (or a later one). Only the latest missed occurrence is caught up, once, and only
 * within `catchUpMs` (older ones are history, not news).
 * @example dueRun({ cron: '0 6 * * 1', cronTimeZone: 'Europe/Paris', reportTimeZone: 'Europe/Paris', now, lastScheduledFor })
 */
export function dueRun(o: {
  cron: string;
  cronTimeZone: string;
  reportTimeZone: string;
  now: number;
  /** The latest occurrence a report was recorded for, if any. */
  lastScheduledFor: number | null;
  /** Default 7 days. */
  catchUpMs?: number;
}): DueRun | null {
  const [prev] = cronOf(o.cron, o.cronTimeZone).previousRuns(1, new Date(o.now + 1));
  if (!prev) return null;
  const at = prev.getTime();
  if (o.lastScheduledFor !== null && at <= o.lastScheduledFor) return null;
  if (o.now - at > (o.catchUpMs ?? 7 * 86_400_000)) return null;
  return {
    scheduledFor: at,
    week: lastCompleteWeek(at, o.reportTimeZone),
    trigger: o.now - at <= ON_TIME_MS ? 'schedule' : 'catch_up',
  };
}
