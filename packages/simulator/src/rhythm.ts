import type { Random } from './random.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** When a plant's shifts change, in local hours, and how the volume moves around them. */
export interface ShiftPattern {
  /** Local hours at which a shift starts (e.g. [6, 14, 22]). */
  changes: readonly number[];
  /** Minutes either side of a change during which work is closed out and opened: a burst. */
  burstMinutes: number;
  /** Volume multiplier during the burst. */
  burstFactor: number;
  /** Volume multiplier between 22:00 and 06:00 local. */
  nightFactor: number;
  /** Volume multiplier on Saturdays and Sundays (Monday is 0 in `weekendDays`' numbering: 5, 6). */
  weekendFactor: number;
  /** Days of the week (0 = Monday) that count as weekend. */
  weekendDays: readonly number[];
}

/** Three shifts, bursts of ×2.5 for 15 minutes either side of a change, quiet nights and weekends. */
export const THREE_SHIFTS: ShiftPattern = {
  changes: [6, 14, 22],
  burstMinutes: 15,
  burstFactor: 2.5,
  nightFactor: 0.55,
  weekendFactor: 0.25,
  weekendDays: [5, 6],
};

/** Continuous process plants run 24/7 with two 12-hour shifts and barely notice weekends. */
export const CONTINUOUS_SHIFTS: ShiftPattern = {
  changes: [6, 18],
  burstMinutes: 20,
  burstFactor: 1.8,
  nightFactor: 0.9,
  weekendFactor: 0.85,
  weekendDays: [5, 6],
};

/** The volume multiplier at a time (ms since the epoch) for a plant `utcOffsetHours` from UTC. */
export function volumeFactor(pattern: ShiftPattern, time: number, utcOffsetHours: number): number {
  const local = time + utcOffsetHours * HOUR;
  const dayMs = ((local % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR);
  const hour = dayMs / HOUR;
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  const weekday = (Math.floor(local / (24 * HOUR)) + 3) % 7;
  let factor = pattern.weekendDays.includes(weekday) ? pattern.weekendFactor : 1;
  if (hour >= 22 || hour < 6) factor *= pattern.nightFactor;
  for (const change of pattern.changes) {
    const distance = Math.min(Math.abs(hour - change), 24 - Math.abs(hour - change)) * 60;
    if (distance <= pattern.burstMinutes) {
      factor *= pattern.burstFactor;
      break;
    }
  }
  return factor;
}

/**
 * Arrival times in [from, to) of a non-homogeneous Poisson process with `ratePerHour(t)`, by thinning
 * against `maxRatePerHour`. Sorted ascending.
 */
export function sampleArrivals(
  rng: Random,
  ratePerHour: (time: number) => number,
  maxRatePerHour: number,
  from: number,
  to: number,
): number[] {
  const out: number[] = [];
  if (maxRatePerHour <= 0 || to <= from) return out;
  const meanGap = HOUR / maxRatePerHour;
  let t = from;
  for (;;) {
    t += rng.exponential(meanGap);
    if (t >= to) return out;
    if (rng.next() * maxRatePerHour <= ratePerHour(t)) out.push(Math.floor(t));
  }
}

/** A minute-aligned time, for chunked planning. */
export function floorToMinute(time: number): number {
  return Math.floor(time / MINUTE) * MINUTE;
}
