import type { Context } from 'hono';
import type { AcceptResult } from '../../pipeline/types.ts';

/** The pipeline's "not now" or "never" as an HTTP answer. */
export type Refusal = Exclude<AcceptResult, { ok: true }>;

/**
 * Answers a refused accept: 429 when the spool is full, 503 when the store is unavailable or the
 * collector is stopping (both with Retry-After, so senders retry), 500 for a non-retryable failure.
 */
export function refusalResponse(c: Context, refusal: Refusal): Response {
  if (refusal.retryable) {
    c.header('Retry-After', String(Math.max(1, Math.ceil(refusal.retryAfterSeconds))));
    const status = refusal.reason === 'spool_full' ? 429 : 503;
    return c.json({ error: { code: refusal.reason, message: messages[refusal.reason] } }, status);
  }
  return c.json({ error: { code: 'ingest_failed', message: 'the events could not be stored' } }, 500);
}

const messages: Record<Extract<Refusal, { retryable: true }>['reason'], string> = {
  spool_full: 'the collector is at its spool limit; retry after the given delay',
  store_unavailable: 'the store is unavailable; retry after the given delay',
  shutting_down: 'the collector is shutting down; retry after the given delay',
};
