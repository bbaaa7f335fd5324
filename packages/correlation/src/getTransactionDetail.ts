import type { EventRow, Flow, SpanRow, StepTimeline, TransactionDetail } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import {
  evaluateTransaction,
  type StepEvaluation,
  type TransactionEvaluation,
} from './evaluateTransaction.ts';
import {
  flowParams,
  knownFlows,
  loadGroups,
  resolveMembers,
  type LinkRow,
  type TransactionRef,
} from './loadTransactionData.ts';
import type { FlowSnapshot } from './flowRegistry.ts';
import { evaluationNow } from './dataClock.ts';
import { summaryFromEvaluation } from './transactionSummary.ts';

const MAX_EVENTS = 1000;
const MAX_SPANS = 2000;

/** Event time (nanoseconds since the epoch, as text) as RFC 3339 with the sender's precision. */
export function nanosToIso(nanos: string): string {
  const n = BigInt(nanos);
  const ms = n / 1_000_000n;
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${base}${frac ? `.${frac.length <= 3 ? frac.padEnd(3, '0') : frac}` : '.000'}Z`;
}

interface StoredEvent {
  id: string;
  time_ns: string;
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
  source: string;
  received_at: number;
}

interface StoredSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  service: string;
  name: string;
  kind: string;
  start_ns: string;
  duration_ns: number;
  status_code: string;
  status_message: string;
}

function toEventRow(e: StoredEvent): EventRow {
  return {
    id: e.id,
    time: nanosToIso(e.time_ns),
    flow: e.flow,
    step: e.step,
    key: e.key,
    keys: e.keys,
    system: e.system,
    plant: e.plant,
    outcome: e.outcome,
    errorCategory: e.error_category || null,
    errorMessage: e.error_message || null,
    attributes: e.attributes,
    traceId: e.trace_id || null,
    spanId: e.span_id || null,
    source: e.source,
    receivedAt: new Date(Number(e.received_at)).toISOString(),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toTimeline(s: StepEvaluation): StepTimeline {
  return {
    ...s,
    actualAt: iso(s.actualAt),
    lastAt: iso(s.lastAt),
    expectedBy: iso(s.expectedBy),
    lastFailure: s.lastFailure ? { ...s.lastFailure, at: iso(s.lastFailure.at) as string } : null,
  };
}

/** Places spans of several traces on one waterfall: offsets from the earliest, depth within each trace. */
export function toWaterfall(spans: readonly StoredSpan[]): SpanRow[] {
  if (spans.length === 0) return [];
  const starts = spans.map((s) => BigInt(s.start_ns));
  const t0 = starts.reduce((a, b) => (b < a ? b : a));
  const byId = new Map(spans.map((s) => [`${s.trace_id}/${s.span_id}`, s]));
  const depthOf = (s: StoredSpan): number => {
    let depth = 0;
    let cur = s;
    const seen = new Set<string>();
    while (cur.parent_span_id && depth < 64) {
      const parent = byId.get(`${cur.trace_id}/${cur.parent_span_id}`);
      if (!parent || seen.has(parent.span_id)) break;
      seen.add(parent.span_id);
      depth++;
      cur = parent;
    }
    return depth;
  };
  return spans
    .map((s, i) => ({
      traceId: s.trace_id,
      spanId: s.span_id,
      parentSpanId: s.parent_span_id || null,
      service: s.service,
      name: s.name,
      kind: s.kind,
      startAt: nanosToIso(s.start_ns),
      offsetMs: Number((starts[i] as bigint) - t0) / 1e6,
      durationMs: Number(s.duration_ns) / 1e6,
      statusCode: s.status_code,
      statusMessage: s.status_message || null,
      depth: depthOf(s),
    }))
    .sort((a, b) => a.offsetMs - b.offsetMs || a.depth - b.depth);
}

/**
 * A transaction's detail at `now`: status and reason, the steps timeline (expected vs actual),
 * its events, errors, and the spans of every trace the events reference. `key` may also be a
 * linked key (the transaction it belongs to is shown). Undefined when there is no such
 * transaction, or it is at a plant the caller may not see.
 * @example await getTransactionDetail(store, flows.snapshot(), { flow: 'production_confirmation', key: 'MO/00042' }, { now: Date.now(), clockSkew: 120_000 })
 */
export async function getTransactionDetail(
  store: Store,
  snapshot: FlowSnapshot,
  ref: TransactionRef,
  options: { now: number; clockSkew: number; plants?: readonly string[] },
): Promise<TransactionDetail | undefined> {
  const flow = snapshot.flows.get(ref.flow);
  if (!flow) return undefined;
  // Judged at the sweep's data clock (dataClock.ts), read alongside the transaction's data.
  const at = evaluationNow(store, options.now);
  const evaluate = { at, clockSkew: options.clockSkew };
  let loaded = await load(store, snapshot, flow, ref.key, evaluate);
  // A linked key: show the transaction it belongs to.
  if (loaded && 'target' in loaded) loaded = await load(store, snapshot, flow, loaded.target, evaluate);
  if (!loaded || 'target' in loaded) return undefined;
  const { evaluation, stored } = loaded;
  if (options.plants?.length && !options.plants.includes(evaluation.plant)) return undefined;

  const events = stored.slice(0, MAX_EVENTS).map(toEventRow);
  const traceIds = [...new Set(stored.map((e) => e.trace_id).filter(Boolean))].sort();
  let spans: SpanRow[] = [];
  let spansTruncated = false;
  if (traceIds.length) {
    const rows = await store.query<StoredSpan>(sql`
      SELECT TraceId AS trace_id, SpanId AS span_id, ParentSpanId AS parent_span_id, CAST(ServiceName, 'String') AS service,
        CAST(SpanName, 'String') AS name, CAST(SpanKind, 'String') AS kind, toString(toUnixTimestamp64Nano(Timestamp)) AS start_ns,
        Duration AS duration_ns, CAST(StatusCode, 'String') AS status_code, StatusMessage AS status_message
      FROM ${store.table('otel_traces')}
      WHERE TraceId IN ${sql.param(traceIds, 'Array(String)')}
      ORDER BY Timestamp
      LIMIT 1 BY TraceId, SpanId
      LIMIT ${MAX_SPANS + 1}`);
    spansTruncated = rows.length > MAX_SPANS;
    spans = toWaterfall(rows.slice(0, MAX_SPANS));
  }

  return {
    transaction: summaryFromEvaluation(evaluation, options.now),
    flow: { id: flow.id, name: flow.name, owner: flow.owner, criticality: flow.criticality, key: flow.key },
    steps: evaluation.steps.map(toTimeline),
    events,
    eventsTruncated: stored.length > MAX_EVENTS,
    errors: events.filter((e) => e.outcome !== 'ok'),
    traceIds,
    spans,
    spansTruncated,
  };
}

/**
 * One round trip (three queries at once) for a transaction: the links of its key, the groups and
 * the events of its key and linked keys. `{ target }` when the key is itself linked to another.
 */
async function load(
  store: Store,
  snapshot: FlowSnapshot,
  flow: Flow,
  key: string,
  options: { at: Promise<number>; clockSkew: number },
): Promise<{ evaluation: TransactionEvaluation; stored: StoredEvent[] } | { target: string } | undefined> {
  const p = flowParams(snapshot);
  const links = store.table('correlation_links');
  const aliases = sql`SELECT alias FROM ${links} WHERE target = ${key} AND name = ${flow.key}`;
  const keys = sql`SELECT ${key} UNION ALL ${aliases}`;
  const stepIds = flow.steps.map((s) => s.id);
  const [resolved, byKey, stored, at] = await Promise.all([
    store.query<LinkRow>(sql`
      SELECT alias, CAST(name, 'String') AS name, min(target) AS target FROM ${links}
      WHERE (alias = ${key} OR alias IN (${aliases})) AND name = ${flow.key} GROUP BY alias, name`),
    loadGroups(store, p, keys, knownFlows(p)),
    store.query<StoredEvent>(sql`
      SELECT id, toString(toUnixTimestamp64Nano(time)) AS time_ns, CAST(flow, 'String') AS flow, CAST(step, 'String') AS step,
        key, CAST(keys, 'Map(String, String)') AS keys, CAST(system, 'String') AS system, CAST(plant, 'String') AS plant,
        CAST(outcome, 'String') AS outcome, CAST(error_category, 'String') AS error_category, error_message,
        CAST(attributes, 'Map(String, String)') AS attributes, trace_id, span_id, CAST(source, 'String') AS source,
        toUnixTimestamp64Milli(received_at) AS received_at
      FROM ${store.table('business_events')}
      WHERE key IN (${keys}) AND (flow = ${flow.id} OR (flow = '' AND step IN ${sql.param(stepIds, 'Array(String)')}))
      ORDER BY time, id
      LIMIT 1 BY id
      LIMIT ${MAX_EVENTS + 1}`),
    options.at,
  ]);
  const towards = resolved
    .filter((l) => l.alias !== key)
    .map((l) => ({ alias: l.alias, name: l.name, target: key }));
  const ref = { flow: flow.id, key };
  const { members, linked } = resolveMembers(snapshot, p, [ref], towards, resolved, byKey);
  if (linked.has(`${flow.id}\u0000${key}`)) {
    const target = resolved.find((l) => l.alias === key)?.target;
    return target ? { target } : undefined;
  }
  const observations = (members.get(`${flow.id}\u0000${key}`) ?? []).map((m) => m.observation);
  const evaluation = evaluateTransaction(flow, key, observations, at, options);
  if (!evaluation.started) return undefined;
  const memberKeys = new Set([key, ...evaluation.linkedKeys]);
  return { evaluation, stored: stored.filter((e) => memberKeys.has(e.key)) };
}
