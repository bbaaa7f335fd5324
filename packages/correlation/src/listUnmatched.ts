import type { UnmatchedGroup, UnmatchedList, UnmatchedReason } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { msTime } from './sqlValues.ts';

/** Filters and page of the unmatched list. */
export interface ListUnmatchedOptions {
  from?: number;
  to?: number;
  reason?: UnmatchedReason;
  flow?: string;
  plant?: string;
  /** Exact key (search uses it). */
  key?: string;
  limit: number;
  cursor?: string;
  plants: readonly string[];
}

interface UnmatchedRowOut {
  key: string;
  flow: string;
  step: string;
  system: string;
  plant: string;
  reason: UnmatchedReason;
  detail: string;
  events: number;
  first_time: number;
  last_time: number;
  sample_id: string;
}

function toGroup(r: UnmatchedRowOut): UnmatchedGroup {
  return {
    flow: r.flow,
    key: r.key,
    step: r.step,
    system: r.system,
    plant: r.plant,
    reason: r.reason,
    detail: r.detail,
    events: Number(r.events),
    firstAt: new Date(Number(r.first_time)).toISOString(),
    lastAt: new Date(Number(r.last_time)).toISOString(),
    sampleEventId: r.sample_id,
  };
}

/**
 * Events that belong to no transaction, grouped by (flow as sent, key, step), most recent first:
 * no flow matches, an unknown step, several flows could take them, or no transaction start.
 * @example await listUnmatched(store, { reason: 'no_start', limit: 50, plants: [] })
 */
export async function listUnmatched(store: Store, o: ListUnmatchedOptions): Promise<UnmatchedList> {
  const filters: SqlQuery[] = [sql`1`];
  if (o.from !== undefined) filters.push(sql`last_time >= ${msTime(o.from)}`);
  if (o.to !== undefined) filters.push(sql`last_time < ${msTime(o.to)}`);
  if (o.reason !== undefined) filters.push(sql`reason = ${o.reason}`);
  if (o.flow !== undefined) filters.push(sql`flow = ${o.flow}`);
  if (o.plant !== undefined) filters.push(sql`plant = ${o.plant}`);
  if (o.key !== undefined) filters.push(sql`key = ${o.key}`);
  if (o.plants.length) filters.push(sql`plant IN ${sql.param([...o.plants], 'Array(String)')}`);
  const queryId = JSON.stringify([o.from, o.to, o.reason, o.flow, o.plant, o.key]);
  if (o.cursor !== undefined) {
    const [t, key, flow, step] = decodeCursor(o.cursor, queryId, 4) as [number, string, string, string];
    filters.push(
      sql`(toUnixTimestamp64Milli(last_time), key, flow, step) < (${sql.param(Number(t), 'Int64')}, ${String(key)}, ${String(flow)}, ${String(step)})`,
    );
  }
  // Filter on the stored columns; the outer query only converts them (its aliases would shadow them).
  const rows = await store.query<UnmatchedRowOut>(sql`
    SELECT key, CAST(flow, 'String') AS flow, CAST(step, 'String') AS step, CAST(system, 'String') AS system,
      CAST(plant, 'String') AS plant, CAST(reason, 'String') AS reason, detail, events,
      toUnixTimestamp64Milli(first_time) AS first_time, toUnixTimestamp64Milli(last_time) AS last_time, sample_id
    FROM (
      SELECT * FROM ${store.table('correlation_unmatched')} FINAL
      WHERE ${sql.join(filters, ' AND ')}
      ORDER BY last_time DESC, key DESC, flow DESC, step DESC
      LIMIT ${o.limit + 1})
    ORDER BY last_time DESC, key DESC, flow DESC, step DESC`);
  const page = rows.slice(0, o.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toGroup),
    nextCursor:
      rows.length > o.limit && last
        ? encodeCursor([Number(last.last_time), last.key, last.flow, last.step], queryId)
        : null,
  };
}
