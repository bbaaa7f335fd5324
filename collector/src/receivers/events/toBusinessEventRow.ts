import type { BusinessEvent, EventSource } from '@linewatch/schema';

/** A row of `business_events`, one column per field of the events API under the same name. */
export interface BusinessEventRow {
  id: string;
  /** RFC 3339 text as sent (full sub-second precision); parsed by the engine (date_time_input_format=best_effort). */
  time: string;
  flow: string;
  step: string;
  key: string;
  keys: Record<string, string>;
  system: string;
  plant: string;
  outcome: string;
  error_category: string;
  error_message: string;
  attributes: Record<string, string>;
  trace_id: string;
  span_id: string;
  /** Receive time, millisecond precision. */
  received_at: string;
  source: EventSource;
}

/** Normalises the RFC 3339 spellings ClickHouse's best-effort parser may not take (`t`, `z`, a space for `T`). */
function normaliseTime(time: string): string {
  return time.replace(/^(\d{4}-\d{2}-\d{2})[Tt ]/, '$1T').replace(/z$/, 'Z');
}

/** Maps a validated event to its business_events row. */
export function toBusinessEventRow(
  event: BusinessEvent,
  source: EventSource,
  receivedAtMs: number,
): BusinessEventRow {
  return {
    id: event.id,
    time: normaliseTime(event.time),
    flow: event.flow ?? '',
    step: event.step,
    key: event.key,
    keys: event.keys ?? {},
    system: event.system,
    plant: event.plant,
    outcome: event.outcome,
    error_category: event.error_category ?? '',
    error_message: event.error_message ?? '',
    attributes: event.attributes ?? {},
    trace_id: event.trace_id ?? '',
    span_id: event.span_id ?? '',
    received_at: new Date(receivedAtMs).toISOString(),
    source,
  };
}

/** Encodes rows as JSONEachRow text (each line ending in "\n"), the form `Pipeline.accept` takes. */
export function toJsonLines(rows: readonly object[]): string {
  let out = '';
  for (const r of rows) out += `${JSON.stringify(r)}\n`;
  return out;
}
