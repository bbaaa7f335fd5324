/** The tables the collector writes. */
export type IngestTable =
  | 'otel_traces'
  | 'otel_logs'
  | 'otel_metrics_gauge'
  | 'otel_metrics_sum'
  | 'otel_metrics_histogram'
  | 'otel_metrics_exponential_histogram'
  | 'otel_metrics_summary'
  | 'business_events'
  | 'linewatch_self';

/**
 * The answer to `accept`: data, never a thrown error (ingest paths never throw into the pipeline).
 * `ok` means the rows are durable (fsynced to the spool or inserted) and may be acknowledged.
 */
export type AcceptResult =
  | { ok: true }
  | {
      ok: false;
      retryable: true;
      retryAfterSeconds: number;
      reason: 'spool_full' | 'shutting_down' | 'store_unavailable';
    }
  | { ok: false; retryable: false; reason: string };

/** Where receivers hand decoded rows: a durable spool in front of ClickHouse. */
export interface Pipeline {
  /**
   * Accepts rows for a table, already encoded as JSONEachRow lines (each ending in "\n").
   * Resolves once they are durable. `rows` is the number of lines (for telemetry and batching).
   */
  accept(table: IngestTable, jsonLines: string, rows: number): Promise<AcceptResult>;
  /** Stops accepting, flushes what is pending into the store (bounded), closes files. */
  close(): Promise<void>;
}
