import { randomUUID } from 'node:crypto';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import type { Principal } from './principal.ts';

// The I/O edge of the audit trail: `audit_log` (m601), append-only. The API has no route that changes
// or deletes a row; retention follows `transactions`.

/** What happened, as recorded. */
export interface AuditEntry {
  /** e.g. `alert.acknowledge`, `silence.create`, `token.revoke`, `auth.sign_in`. */
  action: string;
  /** What it was done to: an alert id, a token id, a principal id, a file. */
  target?: string;
  plant?: string;
  outcome?: 'ok' | 'denied' | 'failed';
  before?: unknown;
  after?: unknown;
  detail?: string;
}

/** Who did it (a failed sign-in has no principal: the name that was tried). */
export type AuditActor = Pick<Principal, 'id' | 'kind' | 'name'>;

/** An audit row as the API shows it. */
export interface AuditRecord {
  id: string;
  time: string;
  principal: { id: string; kind: string; name: string };
  action: string;
  target: string;
  plant: string;
  address: string;
  outcome: string;
  before: unknown;
  after: unknown;
  detail: string;
}

const json = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));

/** The actor for an event that no principal caused (a definition reload, a start). */
export const SYSTEM_ACTOR: AuditActor = { id: 'system', kind: 'local', name: 'linewatch' };

/** Appends one audit row; awaited before the change is answered, so an answered change is recorded. */
export async function recordAudit(
  store: Store,
  actor: AuditActor,
  entry: AuditEntry,
  context: { now: number; address?: string },
): Promise<void> {
  await store.insert('audit_log', [
    {
      time: new Date(context.now).toISOString(),
      id: randomUUID(),
      principal_id: actor.id,
      principal_kind: actor.kind,
      principal_name: actor.name,
      action: entry.action,
      target: entry.target ?? '',
      plant: entry.plant ?? '',
      address: context.address ?? '',
      outcome: entry.outcome ?? 'ok',
      before: json(entry.before),
      after: json(entry.after),
      detail: entry.detail ?? '',
    },
  ]);
}

interface AuditRow {
  id: string;
  time_ms: number;
  principal_id: string;
  principal_kind: string;
  principal_name: string;
  action: string;
  target: string;
  plant: string;
  address: string;
  outcome: string;
  before: string;
  after: string;
  detail: string;
}

const parse = (s: string): unknown => (s === '' ? null : (JSON.parse(s) as unknown));

/** Audit rows newest first, filtered; `before` is a cursor (the time of the last row seen, ms). */
export async function listAudit(
  store: Store,
  filter: {
    from: number;
    to: number;
    principal?: string;
    action?: string;
    outcome?: string;
    /** A plant-restricted admin sees only rows of its plants. */
    plants: readonly string[];
    limit: number;
    before?: { time: number; id: string };
  },
): Promise<AuditRecord[]> {
  const where: SqlQuery[] = [
    sql`time >= fromUnixTimestamp64Milli(${sql.param(Math.round(filter.from), 'Int64')})`,
    sql`time < fromUnixTimestamp64Milli(${sql.param(Math.round(filter.to), 'Int64')})`,
  ];
  if (filter.principal)
    where.push(sql`(principal_id = ${filter.principal} OR principal_name = ${filter.principal})`);
  if (filter.action) where.push(sql`startsWith(action, ${filter.action})`);
  if (filter.outcome) where.push(sql`outcome = ${filter.outcome}`);
  if (filter.plants.length) where.push(sql`plant IN ${sql.param([...filter.plants], 'Array(String)')}`);
  if (filter.before)
    where.push(
      sql`(time, id) < (fromUnixTimestamp64Milli(${sql.param(filter.before.time, 'Int64')}), ${filter.before.id})`,
    );
  const rows = await store.query<AuditRow>(sql`
    SELECT id, toUnixTimestamp64Milli(time) AS time_ms, principal_id, principal_kind, principal_name, action,
      target, plant, address, outcome, before, after, detail
    FROM ${store.table('audit_log')}
    WHERE ${sql.join(where, ' AND ')}
    ORDER BY time DESC, id DESC LIMIT ${sql.param(filter.limit, 'UInt32')}`);
  return rows.map((r) => ({
    id: r.id,
    time: new Date(Number(r.time_ms)).toISOString(),
    principal: { id: r.principal_id, kind: r.principal_kind, name: r.principal_name },
    action: r.action,
    target: r.target,
    plant: r.plant,
    address: r.address,
    outcome: r.outcome,
    before: parse(r.before),
    after: parse(r.after),
    detail: r.detail,
  }));
}

/**
 * Records a reload of definitions as code (flows, alert rules, report definitions): what the directory held before and
 * after, and the files refused (their last good version kept). Written by the process that runs the
 * worker role; a failure to write it is logged, never fatal to the reload.
 */
export async function recordDefinitionReload(
  store: Store,
  what: 'flows' | 'alert-rules' | 'reports',
  change: {
    dir: string;
    before: readonly string[];
    after: readonly string[];
    problems: readonly string[];
    now: number;
  },
): Promise<void> {
  const added = change.after.filter((x) => !change.before.includes(x));
  const removed = change.before.filter((x) => !change.after.includes(x));
  await recordAudit(
    store,
    SYSTEM_ACTOR,
    {
      action: `${{ flows: 'flows', 'alert-rules': 'alert_rules', reports: 'report_definitions' }[what]}.reload`,
      target: change.dir,
      outcome: change.problems.length ? 'failed' : 'ok',
      before: [...change.before],
      after: [...change.after],
      detail: [
        added.length ? `added ${added.join(', ')}` : '',
        removed.length ? `removed ${removed.join(', ')}` : '',
        !added.length && !removed.length ? 'changed' : '',
        change.problems.length ? `refused (last good version kept): ${change.problems.join('; ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    },
    { now: change.now },
  );
}
