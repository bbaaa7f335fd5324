import type { Alert, AlertDetail, AlertRef, Tier } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import { deliveriesOf } from './notify/notificationStore.ts';

// Reads of the alert API. Plant scoping is in the query: a caller restricted to some plants never
// receives another plant's alert, symptom or cause.

interface Row {
  id: string;
  rule: string;
  rule_kind: string;
  state: string;
  tier: string;
  tier_reason: string;
  plant: string;
  flow: string;
  node: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  examples: string[];
  starts_at: number;
  fired_at: number | null;
  ends_at: number | null;
  ack_by: string;
  ack_at: number | null;
  ack_comment: string;
  /** Set from the history: the silence or maintenance window holding the alert's notifications. */
  silenced_by?: string;
  cause_id: string;
}

/** Filters of a list. */
export interface AlertFilter {
  state: 'pending' | 'firing' | 'resolved' | 'open' | 'all';
  tier?: Tier | undefined;
  plant?: string | undefined;
  flow?: string | undefined;
  rule?: string | undefined;
  /** The caller's plants (empty: all). */
  plants: readonly string[];
}

const COLUMNS = sql`id, rule, rule_kind, state, tier, tier_reason, plant, flow, node, labels, annotations, value, examples,
  toUnixTimestamp64Milli(starts_at) AS starts_at, toUnixTimestamp64Milli(fired_at) AS fired_at,
  toUnixTimestamp64Milli(ends_at) AS ends_at, ack_by, toUnixTimestamp64Milli(ack_at) AS ack_at,
  ack_comment, cause_id`;

function where(f: AlertFilter): SqlQuery {
  const parts: SqlQuery[] = [];
  if (f.state === 'open') parts.push(sql`state IN ('pending', 'firing')`);
  else if (f.state !== 'all') parts.push(sql`state = ${f.state}`);
  if (f.tier) parts.push(sql`tier = ${f.tier}`);
  if (f.plant) parts.push(sql`plant = ${f.plant}`);
  if (f.flow) parts.push(sql`flow = ${f.flow}`);
  if (f.rule) parts.push(sql`rule = ${f.rule}`);
  if (f.plants.length) parts.push(sql`plant IN ${sql.param([...f.plants], 'Array(String)')}`);
  return parts.length ? sql.join(parts, ' AND ') : sql`1`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

const summaryOf = (r: Row) =>
  r.annotations.summary ??
  `${r.rule}${r.plant ? ` at ${r.plant}` : ''}${r.flow ? ` (${r.flow})` : r.node ? ` (${r.node})` : ''}`;

function ref(r: Row): AlertRef {
  return {
    id: r.id,
    rule: r.rule,
    state: r.state as AlertRef['state'],
    tier: r.tier as Tier,
    summary: summaryOf(r),
    plant: r.plant || null,
    flow: r.flow || null,
  };
}

function toAlert(r: Row, cause: Row | undefined, symptoms: Row[], baseUrl: string): Alert {
  return {
    id: r.id,
    rule: r.rule,
    ruleKind: r.rule_kind,
    state: r.state as Alert['state'],
    tier: r.tier as Tier,
    tierReason: r.tier_reason,
    plant: r.plant || null,
    flow: r.flow || null,
    node: r.node || null,
    labels: r.labels,
    annotations: { summary: summaryOf(r), ...r.annotations },
    value: r.value,
    examples: r.examples,
    startsAt: iso(r.starts_at) as string,
    firedAt: iso(r.fired_at),
    endsAt: iso(r.ends_at),
    acknowledgedBy: r.ack_by || null,
    acknowledgedAt: iso(r.ack_at),
    ackComment: r.ack_comment || null,
    silencedBy: r.silenced_by ?? null,
    cause: cause ? ref(cause) : null,
    symptoms: symptoms.map(ref),
    link: `${baseUrl}/alerts/${encodeURIComponent(r.id)}`,
  };
}

async function related(store: Store, rows: Row[], plants: readonly string[]) {
  const ids = rows.map((r) => r.id);
  const causeIds = [...new Set(rows.map((r) => r.cause_id).filter(Boolean))];
  const scope = plants.length ? sql`AND plant IN ${sql.param([...plants], 'Array(String)')}` : sql.empty();
  const [symptoms, causes, acks, marks] = await Promise.all([
    ids.length
      ? store.query<Row>(sql`SELECT ${COLUMNS} FROM ${store.table('alerts')} FINAL
          WHERE cause_id IN ${sql.param(ids, 'Array(String)')} AND state IN ('pending', 'firing') ${scope}`)
      : Promise.resolve([]),
    causeIds.length
      ? store.query<Row>(sql`SELECT ${COLUMNS} FROM ${store.table('alerts')} FINAL
          WHERE id IN ${sql.param(causeIds, 'Array(String)')} ${scope}`)
      : Promise.resolve([]),
    ids.length
      ? store.query<{ alert_id: string; by: string; at: number; comment: string }>(sql`
          SELECT alert_id, by, toUnixTimestamp64Milli(at) AS at, comment FROM ${store.table('alert_acks')} FINAL
          WHERE alert_id IN ${sql.param(ids, 'Array(String)')}`)
      : Promise.resolve([]),
    // The notifier marks an alert silenced (detail: the silence id or maintenance window) and released.
    ids.length
      ? store.query<{ alert_id: string; to: string; detail: string }>(sql`
          SELECT alert_id, argMax(to_state, time) AS to, argMax(detail, time) AS detail
          FROM ${store.table('alert_events')}
          WHERE alert_id IN ${sql.param(ids, 'Array(String)')} AND to_state IN ('silenced', 'unsilenced')
          GROUP BY alert_id`)
      : Promise.resolve([]),
  ]);
  for (const m of marks) {
    const r = rows.find((x) => x.id === m.alert_id);
    if (r && m.to === 'silenced' && r.state !== 'resolved') r.silenced_by = m.detail;
  }
  for (const a of acks) {
    const r = rows.find((x) => x.id === a.alert_id);
    if (r) Object.assign(r, { ack_by: a.by, ack_at: Number(a.at), ack_comment: a.comment });
  }
  return { symptoms, causes: new Map(causes.map((c) => [c.id, c])) };
}

/**
 * A page of alerts, most recent first, with each one's cause and symptoms, and the open alerts by tier.
 * The cursor is an offset into the ordering.
 */
export async function listAlerts(
  store: Store,
  f: AlertFilter & { limit: number; cursor?: string | undefined; baseUrl: string },
): Promise<{ items: Alert[]; nextCursor: string | null; counts: Record<Tier, number> }> {
  const offset = f.cursor
    ? Math.max(0, Number.parseInt(Buffer.from(f.cursor, 'base64url').toString(), 10) || 0)
    : 0;
  const [rows, counts] = await Promise.all([
    store.query<Row>(sql`SELECT ${COLUMNS} FROM ${store.table('alerts')} FINAL WHERE ${where(f)}
      ORDER BY multiIf(state = 'firing', 0, state = 'pending', 1, 2), tier, starts_at DESC, id
      LIMIT ${sql.param(f.limit + 1, 'UInt32')} OFFSET ${sql.param(offset, 'UInt32')}`),
    store.query<{ tier: string; n: number }>(sql`SELECT tier, count() AS n FROM ${store.table('alerts')} FINAL
      WHERE ${where({ ...f, state: 'open', tier: undefined })} GROUP BY tier`),
  ]);
  const page = rows.slice(0, f.limit);
  const { symptoms, causes } = await related(store, page, f.plants);
  const tiers: Record<Tier, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  for (const c of counts) if (c.tier in tiers) tiers[c.tier as Tier] = Number(c.n);
  return {
    items: page.map((r) =>
      toAlert(
        r,
        causes.get(r.cause_id),
        symptoms.filter((s) => s.cause_id === r.id),
        f.baseUrl,
      ),
    ),
    nextCursor: rows.length > f.limit ? Buffer.from(String(offset + f.limit)).toString('base64url') : null,
    counts: tiers,
  };
}

/**
 * Acknowledges an alert the caller may see (who, when, comment) and records it in the history;
 * false when there is no such alert for the caller.
 */
export async function acknowledgeAlert(
  store: Store,
  ack: { id: string; by: string; comment: string; now: number; plants: readonly string[] },
): Promise<boolean> {
  const scope = ack.plants.length
    ? sql`AND plant IN ${sql.param([...ack.plants], 'Array(String)')}`
    : sql.empty();
  const [row] = await store.query<{ state: string }>(
    sql`SELECT state FROM ${store.table('alerts')} FINAL WHERE id = ${ack.id} ${scope}`,
  );
  if (!row) return false;
  const at = new Date(ack.now).toISOString();
  await store.insert('alert_acks', [{ alert_id: ack.id, by: ack.by, at, comment: ack.comment }]);
  await store.insert('alert_events', [
    {
      alert_id: ack.id,
      time: at,
      from_state: row.state,
      to_state: 'acknowledged',
      actor: ack.by,
      value: null,
      detail: ack.comment,
    },
  ]);
  return true;
}

/** One alert with its history and deliveries, or undefined (also when it is at a plant the caller may not see). */
export async function getAlert(
  store: Store,
  id: string,
  plants: readonly string[],
  baseUrl: string,
): Promise<AlertDetail | undefined> {
  const scope = plants.length ? sql`AND plant IN ${sql.param([...plants], 'Array(String)')}` : sql.empty();
  const [row] = await store.query<Row>(
    sql`SELECT ${COLUMNS} FROM ${store.table('alerts')} FINAL WHERE id = ${id} ${scope}`,
  );
  if (!row) return undefined;
  const [{ symptoms, causes }, history] = await Promise.all([
    related(store, [row], plants),
    store.query<{
      time: number;
      from: string;
      to: string;
      actor: string;
      value: number | null;
      detail: string;
    }>(
      sql`SELECT toUnixTimestamp64Milli(time) AS time, from_state AS from, to_state AS to,
        actor, value, detail FROM ${store.table('alert_events')} WHERE alert_id = ${id} ORDER BY time, to_state`,
    ),
  ]);
  return {
    ...toAlert(row, causes.get(row.cause_id), symptoms, baseUrl),
    history: history.map((h) => ({ ...h, time: iso(h.time) as string, actor: h.actor || null })),
    deliveries: await deliveriesOf(store, id),
  };
}
