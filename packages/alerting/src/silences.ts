import { Cron } from 'croner';
import type { MaintenanceWindow, Matcher } from '@linewatch/schema';
import { matches } from './matchers.ts';

export interface SilenceRecord {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export interface Occurrence {
  start: number;
  end: number;
}

/** The id of the first silence active at `now` whose matchers match the labels, or undefined. */
export function activeSilence(
  labels: Record<string, string>,
  silences: SilenceRecord[],
  now: number,
): string | undefined {
  return silences.find((s) => s.startsAt <= now && now < s.endsAt && matches(labels, s.matchers))?.id;
}

/** The window occurrence containing `now` (the one that started most recently), or undefined. */
export function maintenanceWindowAt(
  window: MaintenanceWindow,
  timeZone: string,
  now: number,
): Occurrence | undefined {
  const cron = new Cron(window.cron, { timezone: timeZone, paused: true });
  // croner computes occurrences in the zone's wall clock; the duration is real elapsed time.
  const [previous] = cron.previousRuns(1, new Date(now + 1));
  cron.stop();
  if (!previous) return undefined;
  const start = previous.getTime();
  const end = start + window.duration;
  return start <= now && now < end ? { start, end } : undefined;
}

/** The id of the first window for the plant that is open at `now`, or undefined. */
export function activeWindow(
  plant: string | undefined,
  windows: MaintenanceWindow[],
  tzOf: (plant: string) => string,
  now: number,
): string | undefined {
  if (plant === undefined) return undefined;
  return windows.find((w) => w.plants.includes(plant) && maintenanceWindowAt(w, tzOf(plant), now))?.id;
}

/** The occurrence open at `now`, else the next one; undefined when the cron never runs again. */
export function nextWindowOccurrence(
  window: MaintenanceWindow,
  timeZone: string,
  now: number,
): Occurrence | undefined {
  const current = maintenanceWindowAt(window, timeZone, now);
  if (current) return current;
  const cron = new Cron(window.cron, { timezone: timeZone, paused: true });
  const next = cron.nextRun(new Date(now));
  cron.stop();
  if (!next) return undefined;
  return { start: next.getTime(), end: next.getTime() + window.duration };
}
