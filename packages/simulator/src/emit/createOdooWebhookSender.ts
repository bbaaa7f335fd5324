import { postJson } from './postJson.ts';
import type { SimLogger } from './types.ts';

/** Posts Odoo webhook notifications, once each and without retry, as Odoo itself does. */
export interface OdooWebhookSender {
  add(payload: Record<string, unknown>): void;
  flush(): Promise<void>;
  readonly sent: number;
  readonly failed: number;
}

/** Creates the sender for `${ingestUrl}/v1/odoo/webhook/<source>`; at most `concurrency` requests at once. */
export function createOdooWebhookSender(options: {
  ingestUrl: string;
  source: string;
  headers?: Record<string, string>;
  logger: SimLogger;
  concurrency?: number;
}): OdooWebhookSender {
  const url = `${options.ingestUrl.replace(/\/$/, '')}/v1/odoo/webhook/${encodeURIComponent(options.source)}`;
  let pending: Record<string, unknown>[] = [];
  let sent = 0;
  let failed = 0;
  return {
    get sent() {
      return sent;
    },
    get failed() {
      return failed;
    },
    add(payload) {
      pending.push(payload);
    },
    async flush() {
      const queue = pending;
      pending = [];
      const worker = async () => {
        for (let p = queue.shift(); p; p = queue.shift()) {
          const r = await postJson(url, p, options.headers);
          if (r.ok) sent++;
          else {
            // Odoo logs the failure and moves on: the notification is lost (docs/ingest.md).
            failed++;
            options.logger.warn(
              { status: r.status, error: r.error, model: p._model },
              'Odoo webhook refused',
            );
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, worker));
    },
  };
}
