import type { UnmatchedReason } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import { evaluateTransaction, type TransactionEvaluation } from './evaluateTransaction.ts';
import type { FlowSnapshot } from './flowRegistry.ts';
import {
  flowParams,
  loadTransactionData,
  strings,
  type FlowParams,
  type Member,
  type TransactionRef,
} from './loadTransactionData.ts';
import type { CorrelationLogger } from './logger.ts';
import type { StepObservation } from './observations.ts';
import { compactRows } from './compactRows.ts';
import { stringSet } from './sqlValues.ts';
import { encodeTransactions, fingerprint, transactionRow, type TransactionRow } from './transactionRow.ts';

// The I/O around the status rules: which transactions to derive, their observations, and the rows
// written to `transactions` and `correlation_unmatched`.
//
// A transaction is (flow, root key). An event's flow is the one it names, or, when it names none,
// the only flow with a step of that id. Its root key is the target of a link `key → keys.<flow key>`
// recorded by any event (correlation_links), else its own key. Links are resolved when a transaction
// is derived, never when an event is stored, so a link that arrives after the events it explains
// still joins them.

/**
 * What to derive. Work is found in the derived tables themselves (not in `business_events`), so a
 * group the sweep sees is a group the observations query sees too.
 */
export interface CorrelateScope {
  /** A condition on `correlation_steps` rows (no WHERE): the groups of events that changed. */
  groups?: SqlQuery;
  /** A condition on `correlation_links` rows: links that changed (their alias keys join a transaction). */
  links?: SqlQuery;
  /** A query returning `(flow, key)` rows of transactions to derive as well (deadlines due, reevaluation). */
  transactions?: SqlQuery;
}

export interface CorrelateOptions {
  /** When the rows are derived (their updated_at). */
  now: number;
  /** The time deadlines are judged at (default `now`; the sweep passes its data clock, dataClock.ts). */
  evaluateAt?: number;
  clockSkew: number;
  /** Transactions derived per round trip (bounds memory: ≈ 1.5 KB each); default 50,000. */
  chunkSize?: number;
  /** Version of the rows written (monotonic); default `now`. */
  version?: number;
  logger?: CorrelationLogger;
}

/** What one correlation pass did. */
export interface CorrelateStats {
  /** Candidate transactions considered. */
  candidates: number;
  /** Transactions evaluated (with a start). */
  evaluated: number;
  /** Transaction rows written because something changed. */
  written: number;
  /** Transactions removed (their key turned out to be a linked key of another, or lost their start). */
  removed: number;
  /** Unmatched groups written, and cleared because their events now belong to a transaction. */
  unmatched: number;
  cleared: number;
  ms: number;
  /** Where the time went (ms): finding candidates, waiting for chunk data, evaluating, waiting for writes. */
  phases?: { find: number; load: number; evaluate: number; write: number };
}

/** Keys the scope touched: of changed groups, and aliases of changed links. */
function touchedKeys(store: Store, scope: CorrelateScope): SqlQuery | undefined {
  const parts: SqlQuery[] = [];
  if (scope.groups)
    parts.push(sql`SELECT key FROM ${store.table('correlation_steps')} WHERE ${scope.groups}`);
  if (scope.links)
    parts.push(sql`SELECT alias AS key FROM ${store.table('correlation_links')} WHERE ${scope.links}`);
  return parts.length ? sql.join(parts, ' UNION ALL ') : undefined;
}

/** Finds the candidate transactions of a scope: resolved (flow, root key) pairs. */
async function findCandidates(store: Store, p: FlowParams, scope: CorrelateScope): Promise<TransactionRef[]> {
  const links = store.table('correlation_links');
  const parts: SqlQuery[] = [];
  if (scope.groups) {
    parts.push(sql`
      SELECT t.rflow AS flow, if(l.target != '', l.target, t.key) AS key
      FROM (
        SELECT key, rflow, transform(rflow, ${strings(p.flowIds)}, ${strings(p.flowKeys)}, '') AS kname
        FROM (
          SELECT DISTINCT key, CAST(if(flow != '', flow, transform(step, ${strings(p.stepIds)}, ${strings(p.stepFlows)}, '')), 'String') AS rflow
          FROM ${store.table('correlation_steps')} WHERE ${scope.groups}
        )
        WHERE has(${strings(p.flowIds)}, rflow)
      ) AS t
      LEFT JOIN (
        SELECT alias, name, min(target) AS target FROM ${links}
        WHERE alias IN (SELECT key FROM ${store.table('correlation_steps')} WHERE ${scope.groups})
        GROUP BY alias, name
      ) AS l ON l.alias = t.key AND l.name = t.kname`);
  }
  if (scope.links) {
    // A new link brings its alias's events to the target's transaction, in every flow keyed by its name.
    parts.push(sql`
      SELECT arrayJoin(arrayFilter((f, k) -> k = name, ${strings(p.flowIds)}, ${strings(p.flowKeys)})) AS flow, target AS key
      FROM ${links} WHERE ${scope.links}`);
  }
  const touched = touchedKeys(store, scope);
  if (touched) {
    // A key that was a transaction of its own may now be linked to another: derive it again to remove it.
    parts.push(sql`
      SELECT CAST(flow, 'String') AS flow, key FROM ${store.table('transactions')}
      WHERE is_deleted = 0 AND key IN (${touched})`);
  }
  if (scope.transactions)
    parts.push(sql`SELECT CAST(flow, 'String') AS flow, key FROM (${scope.transactions})`);
  if (parts.length === 0) return [];
  const rows = await compactRows(
    store,
    [
      { expr: sql`flow`, string: true },
      { expr: sql`key`, string: true },
    ],
    sql`(SELECT DISTINCT flow, key FROM (${sql.join(parts, ' UNION ALL ')}))`,
  );
  const refs: TransactionRef[] = [];
  for (const [flow, key] of rows) if (flow && key) refs.push({ flow, key });
  return refs;
}

interface StoredRef {
  key: string;
  flow: string;
  started_at: number;
  fingerprint: string;
}

async function existingTransactions(
  store: Store,
  refs: readonly TransactionRef[],
): Promise<Map<string, StoredRef>> {
  const keys = [...new Set(refs.map((r) => r.key))];
  const rows = await compactRows(
    store,
    [
      { expr: sql`key`, string: true },
      { expr: sql`CAST(flow, 'String')`, string: true },
      { expr: sql`toUnixTimestamp64Milli(started_at)` },
      { expr: sql`fingerprint`, string: true },
    ],
    sql`${store.table('transactions')} FINAL WHERE key IN ${stringSet(keys)}`,
  );
  const out = new Map<string, StoredRef>();
  for (const [key = '', flow = '', startedAt, fp = ''] of rows)
    out.set(`${flow}\u0000${key}`, { key, flow, started_at: Number(startedAt), fingerprint: fp });
  return out;
}

/** A tombstone for a stored transaction (started_at kept, so TTL cannot drop it before the row it hides). */
function removal(before: StoredRef, now: number): TransactionRow {
  return {
    key: before.key,
    flow: before.flow,
    plant: '',
    status: 'in_progress',
    reason: '',
    started_at: Number(before.started_at),
    completed_at: null,
    e2e_ms: null,
    late_by_ms: null,
    problem_deadline_at: null,
    problem_step: '',
    error_category: '',
    next_deadline_at: null,
    next_check_at: null,
    steps_done: 0,
    steps_total: 0,
    linked_keys: [],
    updated_at: now,
  };
}

interface UnmatchedRow {
  key: string;
  flow: string;
  step: string;
  system: string;
  plant: string;
  reason: UnmatchedReason;
  detail: string;
  events: number;
  first_time: string;
  last_time: string;
  sample_id: string;
  version: number;
  is_deleted: number;
}

function unmatchedRow(
  o: StepObservation,
  flowAsSent: string,
  reason: UnmatchedReason,
  detail: string,
  version: number,
): UnmatchedRow {
  return {
    key: o.key,
    flow: flowAsSent,
    step: o.step,
    system: o.system,
    plant: o.plant,
    reason,
    detail,
    events: o.events,
    first_time: new Date(o.firstAt).toISOString(),
    last_time: new Date(o.lastAt).toISOString(),
    sample_id: o.sampleEventId,
    version,
    is_deleted: 0,
  };
}

function clearedUnmatched(o: StepObservation, flowAsSent: string, version: number): UnmatchedRow {
  return { ...unmatchedRow(o, flowAsSent, 'no_start', '', version), is_deleted: 1 };
}

/** Groups the scope touched that no flow can take: unknown flow, no flow with that step, or several. */
async function unresolvable(
  store: Store,
  p: FlowParams,
  snapshot: FlowSnapshot,
  groups: SqlQuery,
  version: number,
): Promise<UnmatchedRow[]> {
  const steps = store.table('correlation_steps');
  // Rare (misconfigured senders), so plain rows: no need for the compact form of loadGroups.
  const rows = await store.query<{
    key: string;
    flow: string;
    step: string;
    plant: string;
    system: string;
    first: number;
    last: number;
    events: number;
    sample: string;
  }>(sql`
    SELECT key, CAST(flow, 'String') AS flow, CAST(step, 'String') AS step, max(plant) AS plant, max(system) AS system,
      toUnixTimestamp64Milli(min(first_time)) AS first, toUnixTimestamp64Milli(max(last_time)) AS last,
      uniqExactIfMerge(ok_ids) + uniqIfMerge(bad_ids) AS events, min(sample_id) AS sample
    FROM ${steps}
    WHERE (key, flow, step) IN (
      SELECT key, flow, step FROM ${steps}
      WHERE (${groups})
        AND ((flow != '' AND NOT has(${strings(p.flowIds)}, flow)) OR (flow = '' AND NOT has(${strings(p.stepIds)}, step))))
    GROUP BY key, flow, step`);
  return rows.map((r) => {
    const o: StepObservation = {
      key: r.key,
      step: r.step,
      plant: r.plant,
      system: r.system,
      firstAt: Number(r.first),
      lastAt: Number(r.last),
      events: Number(r.events),
      okCount: 0,
      firstOkAt: null,
      lastOkAt: null,
      badCount: 0,
      lastBad: null,
      attributes: {},
      sampleEventId: r.sample,
    };
    if (r.flow !== '')
      return unmatchedRow(o, r.flow, 'unknown_flow', `no flow "${r.flow}" is defined`, version);
    const candidates = snapshot.stepFlows.get(r.step) ?? [];
    return candidates.length > 1
      ? unmatchedRow(
          o,
          '',
          'ambiguous_flow',
          `step "${r.step}" is in flows ${candidates.join(', ')}: send the flow with the event`,
          version,
        )
      : unmatchedRow(o, '', 'no_flow', `no flow has a step "${r.step}"`, version);
  });
}

interface Written {
  row: TransactionRow;
  version: number;
  deleted: boolean;
}

/**
 * Derives the transactions a scope touches and writes what changed: transaction rows, removed
 * transactions, unmatched groups. Idempotent: deriving the same scope twice writes nothing new.
 * @example await correlate(store, flows.snapshot(), { groups: sql`ingested_at > ${msTime(since)}` }, { now: Date.now(), clockSkew: 120_000 })
 */
export async function correlate(
  store: Store,
  snapshot: FlowSnapshot,
  scope: CorrelateScope,
  options: CorrelateOptions,
): Promise<CorrelateStats> {
  const started = Date.now();
  const { now, clockSkew } = options;
  const evaluateAt = options.evaluateAt ?? now;
  const version = options.version ?? now;
  const chunkSize = options.chunkSize ?? 50_000;
  const p = flowParams(snapshot);
  const stats: CorrelateStats = {
    candidates: 0,
    evaluated: 0,
    written: 0,
    removed: 0,
    unmatched: 0,
    cleared: 0,
    ms: 0,
  };

  if (scope.groups) {
    const rows = await unresolvable(store, p, snapshot, scope.groups, version);
    if (rows.length) await store.insert('correlation_unmatched', rows);
    stats.unmatched += rows.length;
  }
  if (p.flowIds.length === 0) {
    stats.ms = Date.now() - started;
    return stats;
  }

  const phases = { find: 0, load: 0, evaluate: 0, write: 0 };
  let mark = performance.now();
  const lap = (phase: keyof typeof phases) => {
    const t = performance.now();
    phases[phase] += t - mark;
    mark = t;
  };
  const candidates = await findCandidates(store, p, scope);
  // In key order, so that each chunk's keys are one range of correlation_steps' primary key: random
  // keys would touch every granule, and every chunk would read the whole table.
  candidates.sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.flow < b.flow ? -1 : a.flow > b.flow ? 1 : 0,
  );
  stats.candidates = candidates.length;
  lap('find');
  const load = (from: number) => {
    const chunk = candidates.slice(from, from + chunkSize);
    return Promise.all([
      Promise.resolve(chunk),
      loadTransactionData(store, snapshot, p, chunk),
      existingTransactions(store, chunk),
    ] as const);
  };
  // Pipelined: the engine loads the next chunk and writes the previous one while JS evaluates this one.
  let next: ReturnType<typeof load> | undefined = candidates.length ? load(0) : undefined;
  let writing: Promise<unknown> = Promise.resolve();
  for (let i = 0; next; i += chunkSize) {
    const [chunk, { members: byRoot, linked }, existing] = await next;
    lap('load');
    next = i + chunkSize < candidates.length ? load(i + chunkSize) : undefined;
    const txRows: Written[] = [];
    const umRows: UnmatchedRow[] = [];
    for (const ref of chunk) {
      const id = `${ref.flow}\u0000${ref.key}`;
      const flow = snapshot.flows.get(ref.flow);
      const before = existing.get(id);
      if (!flow) continue;
      if (linked.has(id)) {
        // This key is a linked key of another transaction of the flow, which takes its events.
        if (before) {
          txRows.push({ row: removal(before, now), version, deleted: true });
          stats.removed++;
        }
        continue;
      }
      const members: Member[] = byRoot.get(id) ?? [];
      const e = evaluateTransaction(
        flow,
        ref.key,
        members.map((m) => m.observation),
        evaluateAt,
        { clockSkew, steps: false },
      );
      const unknown = e.unknownSteps.length ? new Set(e.unknownSteps) : undefined;
      for (const m of members) {
        const o = m.observation;
        if (unknown?.has(o)) {
          umRows.push(
            unmatchedRow(o, m.flowAsSent, 'unknown_step', `flow ${flow.id} has no step "${o.step}"`, version),
          );
        } else if (!e.started) {
          umRows.push(
            unmatchedRow(
              o,
              m.flowAsSent,
              'no_start',
              `${flow.id} ${ref.key} has no ${flow.steps[0]?.id ?? 'first step'} yet`,
              version,
            ),
          );
        } else if (m.listed) {
          umRows.push(clearedUnmatched(o, m.flowAsSent, version));
          stats.cleared++;
        }
      }
      if (!e.started) {
        if (before) {
          txRows.push({ row: removal(before, now), version, deleted: true });
          stats.removed++;
        }
        continue;
      }
      stats.evaluated++;
      const row = transactionRow(e, now);
      if (before && before.fingerprint === fingerprint(row)) continue;
      txRows.push({ row, version, deleted: false });
      stats.written++;
    }
    stats.unmatched += umRows.filter((r) => !r.is_deleted).length;
    lap('evaluate');
    await writing;
    lap('write');
    writing = Promise.all([
      txRows.length
        ? store.insertRaw('transactions', 'JSONCompactEachRowWithNames', encodeTransactions(txRows))
        : undefined,
      umRows.length ? store.insert('correlation_unmatched', umRows) : undefined,
    ]);
  }
  await writing;
  lap('write');
  stats.phases = {
    find: Math.round(phases.find),
    load: Math.round(phases.load),
    evaluate: Math.round(phases.evaluate),
    write: Math.round(phases.write),
  };
  stats.ms = Date.now() - started;
  options.logger?.debug({ ...stats }, 'correlated');
  return stats;
}

/** One transaction evaluated at `now` with its full timeline (the detail view); undefined without a start. */
export async function deriveTransaction(
  store: Store,
  snapshot: FlowSnapshot,
  ref: TransactionRef,
  options: { now: number; clockSkew: number },
): Promise<{ evaluation: TransactionEvaluation; observations: StepObservation[] } | undefined> {
  const flow = snapshot.flows.get(ref.flow);
  if (!flow) return undefined;
  const { members } = await loadTransactionData(store, snapshot, flowParams(snapshot), [ref]);
  const observations = (members.get(`${ref.flow}\u0000${ref.key}`) ?? []).map((m) => m.observation);
  const evaluation = evaluateTransaction(flow, ref.key, observations, options.now, options);
  return evaluation.started ? { evaluation, observations } : undefined;
}
