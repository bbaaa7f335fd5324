import { sql, type Store } from '@linewatch/store';

/** How far the worker's join looks for a span's parent or a consumer's producer. */
export interface DependencyJoinOptions {
  /** A client span started up to this long before its server span's minute is still its parent (default 1 min). */
  callMarginMs?: number;
  /** A consumer's producer (parent or link) is looked up this far back (default 1 h: messages wait in queues). */
  messagingLookbackMs?: number;
}

const DEFAULT_CALL_MARGIN_MS = 60_000;
const DEFAULT_MESSAGING_LOOKBACK_MS = 3_600_000;

/** Floors a time to its minute (ms). */
export function floorMinute(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

/**
 * Re-projects spans with `Timestamp` in [from, to) into `span_edge_candidates`. A view's writes are not
 * atomic with its source (CHDB-NOTES), so the worker runs this over a recent window at start; the
 * candidates table collapses the copies (ReplacingMergeTree, read with FINAL).
 */
export async function repairEdgeCandidates(store: Store, from: Date, to: Date): Promise<void> {
  await store.command(sql`INSERT INTO ${store.table('span_edge_candidates')}
    (Timestamp, TraceId, SpanId, ParentSpanId, ServiceName, Kind, SpanName, Plant, Duration, IsError, PeerId, PeerKind, Links)
    SELECT Timestamp, TraceId, SpanId, ParentSpanId, ServiceName, Kind, SpanName, Plant, Duration, IsError, PeerId, PeerKind, Links
    FROM ${store.table('span_edge_candidates_source')}
    WHERE Timestamp >= ${from} AND Timestamp < ${to}`);
}

/**
 * Computes the per-minute snapshots of edges and service operations for the minutes in [from, to)
 * (minute-aligned), all rows tagged with `version`. Readers keep each minute's highest version, so
 * running it again for the same minutes (later spans, a restart) replaces the earlier snapshot.
 *
 * Edges: a server/consumer span joined to its parent client/producer span, or a consumer to the
 * producers it links to, in another service (`call` or `messaging`); a client/producer span naming a
 * peer (`peer.service`, `db.system`, `messaging.destination.name`, `server.address`) that no server or
 * consumer span answered within `callMarginMs` becomes an edge to that virtual peer; a consumer with a
 * destination and no producer found becomes an edge from the destination.
 */
export async function computeDependencyMinutes(
  store: Store,
  window: { from: Date; to: Date; version: number },
  options: DependencyJoinOptions = {},
): Promise<void> {
  const callMargin = options.callMarginMs ?? DEFAULT_CALL_MARGIN_MS;
  const lookback = options.messagingLookbackMs ?? DEFAULT_MESSAGING_LOOKBACK_MS;
  const from = window.from;
  const to = window.to;
  const callFrom = new Date(from.getTime() - callMargin);
  const producerFrom = new Date(from.getTime() - lookback);
  const leadTo = new Date(to.getTime() + callMargin);
  const cand = store.table('span_edge_candidates');
  const version = window.version;

  // Children (server and consumer spans) in the window, and their references: the parent span, and
  // for consumers the spans they link to.
  const refsOf = (childFrom: Date, childTo: Date) => sql`
    SELECT TraceId AS CTrace, SpanId AS CSpan, ServiceName AS CService, Kind AS CKind, Plant AS CPlant,
           IsError AS CError, Timestamp AS CTs, TraceId AS RTrace, ParentSpanId AS RSpan
    FROM ${cand} FINAL
    WHERE Timestamp >= ${childFrom} AND Timestamp < ${childTo} AND Kind IN ('Server', 'Consumer') AND ParentSpanId != ''
    UNION ALL
    SELECT TraceId, SpanId, ServiceName, Kind, Plant, IsError, Timestamp, tupleElement(L, 'TraceId'), tupleElement(L, 'SpanId')
    FROM ${cand} FINAL ARRAY JOIN Links AS L
    WHERE Timestamp >= ${childFrom} AND Timestamp < ${childTo} AND Kind = 'Consumer'`;

  const parents = sql`
    SELECT TraceId, SpanId, ServiceName, Kind, Plant, IsError, Timestamp, Duration
    FROM ${cand} FINAL
    WHERE (Kind = 'Client' AND Timestamp >= ${callFrom} AND Timestamp < ${to})
       OR (Kind = 'Producer' AND Timestamp >= ${producerFrom} AND Timestamp < ${to})`;

  const pairs = sql`
    SELECT DISTINCT r.CTrace AS CTrace, r.CSpan AS CSpan, r.CService AS CService, r.CKind AS CKind, r.CPlant AS CPlant,
           r.CError AS CError, r.CTs AS CTs, p.SpanId AS PSpan, p.ServiceName AS PService, p.Kind AS PKind,
           p.Plant AS PPlant, p.IsError AS PError, p.Timestamp AS PTs, p.Duration AS PDuration
    FROM (${refsOf(from, to)}) AS r
    INNER JOIN (${parents}) AS p ON r.RTrace = p.TraceId AND r.RSpan = p.SpanId`;

  await store.command(sql`INSERT INTO ${store.table('dependency_edges_1m')}
    (Minute, Version, Source, SourceKind, Target, TargetKind, Kind, Plant, Calls, Errors, Duration)
    SELECT toStartOfMinute(CTs) AS Minute, ${version} AS Version, PService AS Source, 'service' AS SourceKind,
           CService AS Target, 'service' AS TargetKind,
           if(PKind = 'Producer' OR CKind = 'Consumer', 'messaging', 'call') AS EdgeKind,
           if(CPlant != '', CPlant, PPlant) AS EdgePlant,
           count() AS Calls,
           countIf(CError = 1 OR (PError = 1 AND EdgeKind = 'call')) AS Errors,
           -- calls: the caller's duration; messaging: delivery delay, consumer start minus producer start
           quantilesState(0.5, 0.95)(if(EdgeKind = 'messaging',
             toUInt64(greatest(0, toUnixTimestamp64Nano(CTs) - toUnixTimestamp64Nano(PTs))), PDuration)) AS Duration
    FROM (${pairs})
    WHERE PService != CService
    GROUP BY Minute, Source, Target, EdgeKind, EdgePlant
    UNION ALL
    SELECT toStartOfMinute(Timestamp) AS Minute, ${version}, ServiceName, 'service', PeerId, PeerKind,
           if(Kind = 'Producer', 'messaging', 'call') AS EdgeKind, Plant,
           count(), countIf(IsError = 1), quantilesState(0.5, 0.95)(Duration)
    FROM ${cand} FINAL
    WHERE Timestamp >= ${from} AND Timestamp < ${to} AND Kind IN ('Client', 'Producer') AND PeerId != '' AND PeerId != ServiceName
      AND (TraceId, SpanId) NOT IN (SELECT RTrace, RSpan FROM (${refsOf(from, leadTo)}))
    GROUP BY Minute, ServiceName, PeerId, PeerKind, EdgeKind, Plant
    UNION ALL
    SELECT toStartOfMinute(Timestamp) AS Minute, ${version}, PeerId, PeerKind, ServiceName, 'service', 'messaging', Plant,
           count(), countIf(IsError = 1), quantilesState(0.5, 0.95)(Duration)
    FROM ${cand} FINAL
    WHERE Timestamp >= ${from} AND Timestamp < ${to} AND Kind = 'Consumer' AND PeerId != '' AND PeerId != ServiceName
      AND (TraceId, SpanId) NOT IN (SELECT CTrace, CSpan FROM (${pairs}))
    GROUP BY Minute, PeerId, PeerKind, ServiceName, Plant`);

  await store.command(sql`INSERT INTO ${store.table('service_operations_1m')}
    (Minute, Version, ServiceName, Plant, SpanName, Kind, Calls, Errors, Duration)
    SELECT toStartOfMinute(Timestamp) AS Minute, ${version}, ServiceName, Plant, SpanName, Kind,
           count(), countIf(IsError = 1), quantilesState(0.5, 0.95)(Duration)
    FROM ${cand} FINAL
    WHERE Timestamp >= ${from} AND Timestamp < ${to} AND (Kind IN ('Server', 'Consumer') OR ParentSpanId = '')
    GROUP BY Minute, ServiceName, Plant, SpanName, Kind`);
}
