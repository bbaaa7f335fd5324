import { randomUUID } from 'node:crypto';
import type { Matcher } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import type { SilenceRecord } from './silences.ts';

// The I/O edge of silences: `silences` (m401), the latest version per id under FINAL. Expiring a
// silence writes a version ending now, so its history stays readable.

/** A stored silence and when it was created. */
export interface StoredSilence extends SilenceRecord {
  createdAt: number;
}

interface SilenceRow {
  id: string;
  matchers: string;
  starts_ms: number;
  ends_ms: number;
  created_by: string;
  comment: string;
  created_ms: number;
}

const dt = (ms: number) => new Date(ms).toISOString();

const toSilence = (r: SilenceRow): StoredSilence => ({
  id: r.id,
  matchers: JSON.parse(r.matchers) as Matcher[],
  startsAt: Number(r.starts_ms),
  endsAt: Number(r.ends_ms),
  createdBy: r.created_by,
  comment: r.comment,
  createdAt: Number(r.created_ms),
});

/**
 * The silences a caller restricted to `plants` may see: those with an equality matcher on one of
 * its plants (a silence without one spans every plant, so only unrestricted callers see it).
 */
function plantScope(plants: readonly string[]): SqlQuery {
  if (!plants.length) return sql`1`;
  return sql`arrayExists(m -> JSONExtractString(m, 'label') = 'plant' AND JSONExtractString(m, 'op') = '='
    AND JSONExtractString(m, 'value') IN ${sql.param([...plants], 'Array(String)')}, JSONExtractArrayRaw(matchers))`;
}

// Aliases differ from the columns: ClickHouse resolves a SELECT alias in WHERE, and the comparisons
// below are against the DateTime64 columns.
const COLUMNS = sql`id, matchers, toUnixTimestamp64Milli(starts_at) AS starts_ms,
  toUnixTimestamp64Milli(ends_at) AS ends_ms, created_by, comment, toUnixTimestamp64Milli(created_at) AS created_ms`;

/**
 * Stores a new silence and returns it.
 * @example await createSilence(store, { matchers: [{ label: 'plant', op: '=', value: 'P02' }], startsAt: now, endsAt: now + 3_600_000, createdBy: 'ana', comment: 'MES upgrade', now });
 */
export async function createSilence(
  store: Store,
  s: Omit<SilenceRecord, 'id'> & { now: number },
): Promise<StoredSilence> {
  const silence: StoredSilence = {
    id: randomUUID(),
    matchers: s.matchers,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    createdBy: s.createdBy,
    comment: s.comment,
    createdAt: s.now,
  };
  await store.insert('silences', [
    {
      id: silence.id,
      matchers: JSON.stringify(silence.matchers),
      starts_at: dt(silence.startsAt),
      ends_at: dt(silence.endsAt),
      created_by: silence.createdBy,
      comment: silence.comment,
      created_at: dt(s.now),
      version: s.now,
      is_deleted: 0,
    },
  ]);
  return silence;
}

/** Silences that have not ended before `since`, newest first, scoped to the caller's plants. */
export async function listSilences(
  store: Store,
  options: { since: number; plants: readonly string[] },
): Promise<StoredSilence[]> {
  const rows = await store.query<SilenceRow>(sql`
    SELECT ${COLUMNS} FROM ${store.table('silences')} FINAL
    WHERE ends_at >= fromUnixTimestamp64Milli(${sql.param(Math.round(options.since), 'Int64')}) AND ${plantScope(options.plants)}
    ORDER BY starts_at DESC, id`);
  return rows.map(toSilence);
}

/** Silences in force at `now`, for the notifier. */
export async function activeSilences(store: Store, now: number): Promise<SilenceRecord[]> {
  const at = sql`fromUnixTimestamp64Milli(${sql.param(Math.round(now), 'Int64')})`;
  const rows = await store.query<SilenceRow>(sql`
    SELECT ${COLUMNS} FROM ${store.table('silences')} FINAL WHERE starts_at <= ${at} AND ends_at > ${at}`);
  return rows.map(toSilence);
}

/**
 * Ends a silence now (a silence not yet started ends at its start); undefined when the caller
 * cannot see it. Returns the expired silence.
 */
export async function expireSilence(
  store: Store,
  options: { id: string; now: number; plants: readonly string[] },
): Promise<StoredSilence | undefined> {
  const [row] = await store.query<SilenceRow>(sql`
    SELECT ${COLUMNS} FROM ${store.table('silences')} FINAL
    WHERE id = ${options.id} AND ${plantScope(options.plants)}`);
  if (!row) return undefined;
  const s = toSilence(row);
  const endsAt = Math.max(s.startsAt, Math.min(s.endsAt, options.now));
  await store.insert('silences', [
    {
      id: s.id,
      matchers: row.matchers,
      starts_at: dt(s.startsAt),
      ends_at: dt(endsAt),
      created_by: s.createdBy,
      comment: s.comment,
      created_at: dt(s.createdAt),
      version: Math.max(options.now, s.createdAt + 1),
      is_deleted: 0,
    },
  ]);
  return { ...s, endsAt };
}
