import type { BusinessEventInput } from '@linewatch/schema';
import { postJson } from './postJson.ts';
import type { SimLogger } from './types.ts';

/** Sends business events to `POST /v1/events` in batches, as a legacy system's adapter would. */
export interface EventSender {
  add(event: BusinessEventInput): void;
  /** Sends what was added; retries 429/5xx answers a few times with backoff. */
  flush(): Promise<void>;
  readonly sent: number;
  readonly failed: number;
}

/** Creates an events API sender for `${ingestUrl}/v1/events` (at most `batchSize` events per request). */
export function createEventSender(options: {
  ingestUrl: string;
  headers?: Record<string, string>;
  logger: SimLogger;
  batchSize?: number;
  /** Real milliseconds to wait before a retry (multiplied per attempt). */
  retryDelayMs?: number;
}): EventSender {
  const url = `${options.ingestUrl.replace(/\/$/, '')}/v1/events`;
  const batchSize = options.batchSize ?? 500;
  let pending: BusinessEventInput[] = [];
  let sent = 0;
  let failed = 0;
  const sendBatch = async (batch: BusinessEventInput[]) => {
    for (let attempt = 1; ; attempt++) {
      const r = await postJson(url, batch, options.headers);
      if (r.ok) {
        const body = JSON.parse(r.body) as { accepted?: number; rejected?: unknown[] };
        sent += body.accepted ?? batch.length;
        if (body.rejected?.length) {
          failed += body.rejected.length;
          options.logger.warn(
            { rejected: body.rejected.slice(0, 3) },
            'events API rejected simulated events',
          );
        }
        return;
      }
      if (!r.retryable || attempt >= 4) {
        failed += batch.length;
        options.logger.warn(
          { status: r.status, error: r.error, events: batch.length },
          'events API refused a batch',
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 250) * attempt));
    }
  };
  return {
    get sent() {
      return sent;
    },
    get failed() {
      return failed;
    },
    add(event) {
      pending.push(event);
    },
    async flush() {
      const all = pending;
      pending = [];
      const batches: BusinessEventInput[][] = [];
      for (let i = 0; i < all.length; i += batchSize) batches.push(all.slice(i, i + batchSize));
      await Promise.all(batches.map(sendBatch));
    },
  };
}
