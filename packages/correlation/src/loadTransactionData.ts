import type { Flow } from '@linewatch/schema';
import { sql, type SqlQuery, type Store, type TypedParam } from '@linewatch/store';
import type { FlowSnapshot } from './flowRegistry.ts';
import type { BadOutcome, StepObservation } from './observations.ts';
import { compactRows, type CompactColumn } from './compactRows.ts';
import { stringSet } from './sqlValues.ts';

// Reading what deriving transactions needs from `correlation_steps` and `correlation_links`.
//
// Result rows and bytes are the main cost of the embedded engine's JSON path (compactRows.ts), so
// groups travel as compact delimited rows: flow and step as indexes into lists the query was given,
// times relative to the group's first event.

/** A (flow, key) pair of a transaction. */
export interface TransactionRef {
  flow: string;
  key: string;
}

/** The flows of a snapshot as query parameters. */
export interface FlowParams {
  flowIds: string[];
  /** The business key name of each flow of `flowIds`. */
  flowKeys: string[];
  /** Step ids that exactly one flow has, and that flow: events naming no flow match by these. */
  stepIds: string[];
  stepFlows: string[];
  /** Every step id of every flow (a group's step travels as its 1-based index, 0 = none of them). */
  allSteps: string[];
  /** Fan-out count attributes (the only attributes the status rules read). */
  countAttributes: string[];
}

/** Describes the flows of a snapshot to SQL. */
export function flowParams(snapshot: FlowSnapshot): FlowParams {
  const flowIds = [...snapshot.flows.keys()];
  const unique = [...snapshot.stepFlows.entries()].filter(([, flows]) => flows.length === 1);
  const countAttributes = new Set<string>();
  for (const f of snapshot.flows.values())
    for (const s of f.steps) if (s.fanOut?.countAttribute) countAttributes.add(s.fanOut.countAttribute);
  return {
    flowIds,
    flowKeys: flowIds.map((id) => (snapshot.flows.get(id) as Flow).key),
    stepIds: unique.map(([step]) => step),
    stepFlows: unique.map(([, flows]) => flows[0] as string),
    allSteps: [...snapshot.stepFlows.keys()],
    countAttributes: [...countAttributes],
  };
}

/** An Array(String) parameter (for short lists: flows and steps). */
export const strings = (values: readonly string[]): TypedParam => sql.param(values, 'Array(String)');

/** Merged aggregate states of `correlation_steps`, one row per (key, flow, step). */
export function mergedSteps(store: Store, keyFilter: SqlQuery): SqlQuery {
  return sql`
    SELECT key, flow, step, max(plant) AS plant, max(system) AS system,
      min(first_time) AS first_time, max(last_time) AS last_time,
      uniqExactIfMerge(ok_ids) AS ok_count, minIfMerge(first_ok) AS first_ok, maxIfMerge(last_ok) AS last_ok,
      uniqIfMerge(bad_ids) AS bad_count, argMaxIfMerge(last_bad) AS last_bad,
      argMinMerge(first_attributes) AS attributes, min(sample_id) AS sample_id
    FROM ${store.table('correlation_steps')}
    WHERE ${keyFilter}
    GROUP BY key, flow, step`;
}

/** The columns of one merged group (`s` is a mergedSteps row), in the order `fromFields` reads them. */
function groupColumns(p: FlowParams): CompactColumn[] {
  const t0 = sql`toUnixTimestamp64Milli(s.first_time)`;
  return [
    { expr: sql`s.key`, string: true },
    { expr: sql`indexOf(${strings(p.flowIds)}, CAST(s.flow, 'String'))` },
    { expr: sql`indexOf(${strings(p.allSteps)}, CAST(s.step, 'String'))` },
    {
      expr: sql`if(has(${strings(p.allSteps)}, CAST(s.step, 'String')), '', CAST(s.step, 'String'))`,
      string: true,
    },
    { expr: sql`s.plant`, string: true },
    { expr: sql`s.system`, string: true },
    { expr: t0 },
    // Times relative to the first event: mostly 0, a few characters instead of thirteen.
    { expr: sql`toUnixTimestamp64Milli(s.last_time) - ${t0}` },
    { expr: sql`if(s.ok_count > 0, toUnixTimestamp64Milli(s.first_ok) - ${t0}, -1)` },
    { expr: sql`if(s.ok_count > 0, toUnixTimestamp64Milli(s.last_ok) - ${t0}, -1)` },
    { expr: sql`if(s.bad_count > 0, toUnixTimestamp64Milli(tupleElement(s.last_bad, 1)) - ${t0}, -1)` },
    { expr: sql`s.ok_count` },
    { expr: sql`s.bad_count` },
    { expr: sql`if(s.bad_count > 0, tupleElement(s.last_bad, 2), '')`, string: true },
    { expr: sql`if(s.bad_count > 0, tupleElement(s.last_bad, 3), '')`, string: true },
    {
      expr: sql`if(empty(${strings(p.countAttributes)}), '', toJSONString(mapFilter((k, v) -> has(${strings(p.countAttributes)}, k), s.attributes)))`,
      string: true,
    },
    { expr: sql`s.sample_id`, string: true },
  ];
}

/** A group of events as the status rules see it, and where it came from. */
export interface Member {
  observation: StepObservation;
  /** The flow the events named ('' when none). */
  flowAsSent: string;
  /** The group is currently listed as unmatched. */
  listed: boolean;
}

function fromFields(p: FlowParams, f: readonly string[]): Member {
  const t0 = Number(f[6]);
  const rel = (v: string | undefined) => {
    const n = Number(v);
    return n < 0 ? null : t0 + n;
  };
  const ok = Number(f[11]);
  const bad = Number(f[12]);
  const fi = Number(f[1]);
  const si = Number(f[2]);
  const attrs = f[15] ?? '';
  return {
    observation: {
      key: f[0] as string,
      step: si > 0 ? (p.allSteps[si - 1] as string) : (f[3] as string),
      plant: f[4] as string,
      system: f[5] as string,
      firstAt: t0,
      lastAt: t0 + Number(f[7]),
      events: ok + bad,
      okCount: ok,
      firstOkAt: rel(f[8]),
      lastOkAt: rel(f[9]),
      badCount: bad,
      lastBad:
        bad > 0
          ? { at: rel(f[10]) as number, outcome: f[13] as BadOutcome, errorCategory: f[14] as string }
          : null,
      attributes: attrs === '' || attrs === '{}' ? {} : (JSON.parse(attrs) as Record<string, string>),
      sampleEventId: f[16] as string,
    },
    flowAsSent: fi > 0 ? (p.flowIds[fi - 1] as string) : '',
    listed: false,
  };
}

/**
 * Groups of the given keys (or the keys a subquery selects), flows as sent.
 * @example await loadGroups(store, flowParams(snapshot), ['MO/00042'])
 */
export async function loadGroups(
  store: Store,
  p: FlowParams,
  keys: readonly string[] | SqlQuery,
  extraFilter: SqlQuery = sql`1`,
): Promise<Map<string, Member[]>> {
  const keyFilter = Array.isArray(keys) ? sql`key IN ${stringSet(keys)}` : sql`key IN (${keys})`;
  const rows = await compactRows(
    store,
    groupColumns(p),
    sql`(${mergedSteps(store, sql`${keyFilter} AND ${extraFilter}`)}) AS s`,
  );
  const byKey = new Map<string, Member[]>();
  for (const f of rows) {
    const m = fromFields(p, f);
    const list = byKey.get(m.observation.key);
    if (list) list.push(m);
    else byKey.set(m.observation.key, [m]);
  }
  return byKey;
}

/** Only groups of flows the snapshot knows, or of none: the groups a transaction can take. */
export function knownFlows(p: FlowParams): SqlQuery {
  return sql`(flow = '' OR has(${strings(p.flowIds)}, flow))`;
}

/** A link: events keyed `alias` carry `keys.<name> = target`. */
export interface LinkRow {
  alias: string;
  name: string;
  target: string;
}

/** Links from a subquery selecting (alias, name, target). */
async function linkRows(store: Store, from: SqlQuery): Promise<LinkRow[]> {
  const rows = await compactRows(
    store,
    [
      { expr: sql`alias`, string: true },
      { expr: sql`name`, string: true },
      { expr: sql`target`, string: true },
    ],
    from,
  );
  return rows.map(([alias = '', name = '', target = '']) => ({ alias, name, target }));
}

/** The members of a set of transactions, and which roots are linked keys of another transaction. */
export interface ChunkData {
  /** `flow\0key` → the groups of the transaction (its key's and its linked keys'). */
  members: Map<string, Member[]>;
  /** `flow\0key` of roots that are linked keys of another transaction of their flow. */
  linked: Set<string>;
}

/**
 * Loads what deriving a set of transactions needs, as primary-key lookups (links by target, then
 * steps, links and unmatched rows by key), and resolves membership in JS: a group belongs to
 * transaction (flow, root) when its key is the root, or a key whose link under the flow's key name
 * points at the root (the smallest target wins if a key is linked to several); and the group names
 * the flow, or names none and its step is in that flow only.
 */
export async function loadTransactionData(
  store: Store,
  snapshot: FlowSnapshot,
  p: FlowParams,
  refs: readonly TransactionRef[],
): Promise<ChunkData> {
  const links = store.table('correlation_links');
  const rootKeys = [...new Set(refs.map((r) => r.key))];
  const towards = await linkRows(
    store,
    sql`(SELECT DISTINCT alias, CAST(name, 'String') AS name, target FROM ${links} WHERE target IN ${stringSet(rootKeys)})`,
  );
  const keys = towards.length ? [...new Set([...rootKeys, ...towards.map((l) => l.alias)])] : rootKeys;
  const [resolved, unmatched, byKey] = await Promise.all([
    linkRows(
      store,
      sql`(SELECT alias, CAST(name, 'String') AS name, min(target) AS target FROM ${links}
        WHERE alias IN ${stringSet(keys)} GROUP BY alias, name)`,
    ),
    store.query<{ key: string; flow: string; step: string }>(sql`
      SELECT key, CAST(flow, 'String') AS flow, CAST(step, 'String') AS step
      FROM ${store.table('correlation_unmatched')} FINAL WHERE key IN ${stringSet(keys)}`),
    loadGroups(store, p, keys, knownFlows(p)),
  ]);
  if (unmatched.length) {
    const listed = new Set(unmatched.map((u) => `${u.key}\u0000${u.flow}\u0000${u.step}`));
    for (const members of byKey.values())
      for (const m of members)
        m.listed = listed.has(`${m.observation.key}\u0000${m.flowAsSent}\u0000${m.observation.step}`);
  }
  return resolveMembers(snapshot, p, refs, towards, resolved, byKey);
}

/**
 * Membership of groups in transactions, from the links towards the roots (`towards`), each linked
 * key's resolved target (`resolved`: smallest target per alias and name) and the groups by key.
 */
export function resolveMembers(
  snapshot: FlowSnapshot,
  p: FlowParams,
  refs: readonly TransactionRef[],
  towards: readonly LinkRow[],
  resolved: readonly LinkRow[],
  byKey: ReadonlyMap<string, Member[]>,
): ChunkData {
  const targetOf = new Map<string, string>();
  for (const l of resolved) targetOf.set(`${l.alias}\u0000${l.name}`, l.target);
  const aliasesOf = new Map<string, string[]>();
  for (const l of towards) {
    if (targetOf.get(`${l.alias}\u0000${l.name}`) !== l.target) continue;
    const id = `${l.name}\u0000${l.target}`;
    const list = aliasesOf.get(id);
    if (list) list.push(l.alias);
    else aliasesOf.set(id, [l.alias]);
  }
  const stepFlow = new Map(p.stepIds.map((s, i) => [s, p.stepFlows[i] as string]));
  const members = new Map<string, Member[]>();
  const linked = new Set<string>();
  for (const ref of refs) {
    const flow = snapshot.flows.get(ref.flow);
    if (!flow) continue;
    const id = `${ref.flow}\u0000${ref.key}`;
    const target = targetOf.get(`${ref.key}\u0000${flow.key}`);
    if (target !== undefined && target !== ref.key) linked.add(id);
    const list: Member[] = [];
    const aliases = aliasesOf.get(`${flow.key}\u0000${ref.key}`);
    for (const key of aliases ? [ref.key, ...aliases] : [ref.key])
      for (const m of byKey.get(key) ?? [])
        if (
          m.flowAsSent === ref.flow ||
          (m.flowAsSent === '' && stepFlow.get(m.observation.step) === ref.flow)
        )
          list.push(m);
    members.set(id, list);
  }
  return { members, linked };
}
