import type { Outcome } from '@linewatch/schema';

/** An unsuccessful outcome: `retried` means another attempt follows, the others are failures. */
export type BadOutcome = Exclude<Outcome, 'ok'>;

/**
 * What the engine knows about one step under one business key: the events of (key, step),
 * reduced to first/last times and distinct event counts. Times are epoch milliseconds (event time).
 * The same shape comes from the `correlation_steps` aggregate and from `summarizeEvents`.
 */
export interface StepObservation {
  /** The business key the events carried (the transaction key, or a linked key such as a child's). */
  key: string;
  step: string;
  plant: string;
  system: string;
  firstAt: number;
  lastAt: number;
  /** Distinct event ids, any outcome. */
  events: number;
  /** Distinct event ids with outcome ok. */
  okCount: number;
  firstOkAt: number | null;
  lastOkAt: number | null;
  /** Distinct event ids with outcome failed, dead_lettered or retried. */
  badCount: number;
  /** The latest unsuccessful event. */
  lastBad: { at: number; outcome: BadOutcome; errorCategory: string } | null;
  /** Attributes of the first event (fan-out counts are read from here). */
  attributes: Readonly<Record<string, string>>;
  sampleEventId: string;
}

/** The fields of a business event the status rules need (time in epoch milliseconds). */
export interface CorrelationEvent {
  id: string;
  time: number;
  step: string;
  key: string;
  system: string;
  plant: string;
  outcome: Outcome;
  errorCategory?: string;
  attributes?: Readonly<Record<string, string>>;
}

/**
 * Reduces events to one observation per (key, step), the way the `correlation_steps` aggregate does:
 * an event id seen twice counts once.
 * @example summarizeEvents([{ id: 'e1', time: Date.parse('2026-11-27T08:00:00Z'), step: 'release', key: 'MO/1', system: 'odoo', plant: 'P01', outcome: 'ok' }])
 */
export function summarizeEvents(events: readonly CorrelationEvent[]): StepObservation[] {
  const groups = new Map<string, CorrelationEvent[]>();
  for (const e of events) {
    const id = `${e.key}\u0000${e.step}`;
    const list = groups.get(id);
    if (list) list.push(e);
    else groups.set(id, [e]);
  }
  const out: StepObservation[] = [];
  for (const list of groups.values()) {
    const first = list.reduce((a, b) => (b.time < a.time ? b : a));
    const ids = new Set<string>();
    const okIds = new Set<string>();
    const badIds = new Set<string>();
    let firstOkAt: number | null = null;
    let lastOkAt: number | null = null;
    let lastBad: StepObservation['lastBad'] = null;
    let plant = '';
    let system = '';
    let lastAt = first.time;
    for (const e of list) {
      ids.add(e.id);
      if (e.time > lastAt) lastAt = e.time;
      if (e.plant > plant) plant = e.plant;
      if (e.system > system) system = e.system;
      if (e.outcome === 'ok') {
        okIds.add(e.id);
        firstOkAt = firstOkAt === null ? e.time : Math.min(firstOkAt, e.time);
        lastOkAt = lastOkAt === null ? e.time : Math.max(lastOkAt, e.time);
      } else {
        badIds.add(e.id);
        if (!lastBad || e.time > lastBad.at)
          lastBad = { at: e.time, outcome: e.outcome, errorCategory: e.errorCategory ?? '' };
      }
    }
    out.push({
      key: first.key,
      step: first.step,
      plant,
      system,
      firstAt: first.time,
      lastAt,
      events: ids.size,
      okCount: okIds.size,
      firstOkAt,
      lastOkAt,
      badCount: badIds.size,
      lastBad,
      attributes: first.attributes ?? {},
      sampleEventId: [...ids].sort()[0] as string,
    });
  }
  return out;
}
