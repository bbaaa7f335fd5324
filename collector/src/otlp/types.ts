import type { IngestTable } from '../pipeline/types.ts';
import type { BufferPool } from './rowsBuilder.ts';

/** The three OTLP signals. */
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/** How a request body is encoded (OTLP/HTTP content types, gRPC is always protobuf). */
export type OtlpEncoding = 'protobuf' | 'json';

/** JSONEachRow lines (UTF-8) for one table, with their count. */
export interface TableRows {
  table: IngestTable;
  /** A view of a buffer with its own ArrayBuffer (transferable to another thread). */
  data: Buffer;
  rows: number;
}

/** What a decoded OTLP request turned into: rows per table, and the items refused (OTLP partial success). */
export interface RowsResult {
  tables: TableRows[];
  /** Spans, data points or log records refused (counted for `partial_success`). */
  rejected: number;
  /** Up to a few messages naming refused items (path and reason), and warnings. */
  messages: string[];
  /** Business events derived from `biz.*` attributes (already included in `tables`). */
  bizEvents: number;
  /** Items accepted (spans, data points, log records). */
  accepted: number;
}

/** Context of a transform: the receive time, for business events' `received_at`. */
export interface TransformContext {
  receivedAtMs: number;
  /** Expected size of the rows in bytes, to size the output buffer once (optional). */
  sizeHint?: number;
  /** Spare row buffers to reuse (decode workers get theirs back from the main thread). */
  buffers?: BufferPool;
  /** What the sender's credential may report for; absent: anything. */
  restriction?: IngestRestriction;
}

/**
 * The systems (`service.name`) and plants (`biz.plant`) a service account may report for; an empty
 * list allows any. Data outside them is refused item by item, the rest kept.
 */
export interface IngestRestriction {
  systems: readonly string[];
  plants: readonly string[];
}

/** Why `restriction` refuses data of `system` at `plant` (undefined: allowed). */
export function restrictionRefusal(
  restriction: IngestRestriction | undefined,
  system: string | undefined,
  plant: string | undefined,
): { field: 'system' | 'plant'; message: string } | undefined {
  if (!restriction) return undefined;
  if (restriction.systems.length && system !== undefined && !restriction.systems.includes(system))
    return { field: 'system', message: `this credential may not report for system "${system}"` };
  if (restriction.plants.length && plant !== undefined && !restriction.plants.includes(plant))
    return { field: 'plant', message: `this credential may not report for plant "${plant}"` };
  return undefined;
}

// Lenient shapes of a decoded request: protobufjs messages (Long, Buffer) and parsed OTLP/JSON
// (strings/numbers for 64-bit integers, hex strings for ids, base64 for bytes) share field names.

/** A 64-bit integer as protobufjs (Long) or OTLP/JSON (decimal string or number) gives it. */
export type Int64Like =
  { low: number; high: number; unsigned?: boolean } | string | number | null | undefined;
/** Bytes as protobufjs (Buffer) or OTLP/JSON (hex for ids, base64 otherwise) gives them. */
export type BytesLike = Uint8Array | string | null | undefined;

export interface OtlpAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64Like;
  doubleValue?: number | string | null;
  arrayValue?: { values?: OtlpAnyValue[] | null } | null;
  kvlistValue?: { values?: OtlpKeyValue[] | null } | null;
  bytesValue?: BytesLike;
}
export interface OtlpKeyValue {
  key?: string | null;
  value?: OtlpAnyValue | null;
}
export interface OtlpResource {
  attributes?: OtlpKeyValue[] | null;
  droppedAttributesCount?: number | null;
}
export interface OtlpScope {
  name?: string | null;
  version?: string | null;
  attributes?: OtlpKeyValue[] | null;
  droppedAttributesCount?: number | null;
}
