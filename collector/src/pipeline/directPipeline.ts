import type { Store } from '@linewatch/store';
import type { AcceptResult, IngestTable, Pipeline } from './types.ts';

/**
 * A pipeline without a spool: each accept is one insert, acknowledged when ClickHouse has it.
 * Used where durability comes from the store itself (tests of receivers, tools); the collector
 * process uses the spooled pipeline.
 */
export function createDirectPipeline(store: Store): Pipeline {
  let closed = false;
  return {
    async accept(table: IngestTable, jsonLines: string): Promise<AcceptResult> {
      if (closed) return { ok: false, retryable: true, retryAfterSeconds: 1, reason: 'shutting_down' };
      try {
        await store.insertRaw(table, 'JSONEachRow', jsonLines);
        return { ok: true };
      } catch (e) {
        const retryable = (e as { retryable?: boolean }).retryable ?? true;
        return retryable
          ? { ok: false, retryable: true, retryAfterSeconds: 5, reason: 'store_unavailable' }
          : { ok: false, retryable: false, reason: (e as Error).message };
      }
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
