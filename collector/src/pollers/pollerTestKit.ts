// Helpers shared by the poller and MQTT integration tests (not exported from the package).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pino from 'pino';
import { sql, type Store } from '@linewatch/store';

/** A name no other test run uses, for queues, streams, topics and tables. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A logger that writes nothing (tests assert on stored rows, not on log lines). */
export const silentLogger = pino({ level: 'silent' });

/** Retries `check` until it stops throwing, or throws its last error when `timeoutMs` has passed. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A gauge point as stored in otel_metrics_gauge. */
export interface StoredGauge {
  MetricName: string;
  Attributes: Record<string, string>;
  Value: number;
  ServiceName: string;
  ms: number;
}

/** The gauge rows one poller (by name) wrote, oldest first. */
export function gaugesOfPoller(store: Store, poller: string): Promise<StoredGauge[]> {
  return store.query<StoredGauge>(sql`
    SELECT MetricName, Attributes, Value, ServiceName, toUnixTimestamp64Milli(TimeUnix) AS ms
    FROM ${store.table('otel_metrics_gauge')}
    WHERE ResourceAttributes['linewatch.poller.name'] = ${poller}
    ORDER BY TimeUnix, MetricName, toString(Attributes)`);
}

/** The value of the gauge `metric` for `queue` in a list of stored gauges (last one wins). */
export function gaugeValue(
  rows: readonly StoredGauge[],
  metric: string,
  queue: string,
  extra: Record<string, string> = {},
): number | undefined {
  const matching = rows.filter(
    (r) =>
      r.MetricName === metric &&
      r.Attributes['queue.name'] === queue &&
      Object.entries(extra).every(([k, v]) => r.Attributes[k] === v),
  );
  return matching.at(-1)?.Value;
}
