import type { ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { LinewatchConfig } from '@linewatch/schema';
import { openStore, type Store } from '@linewatch/store';
import { createDecodePool, type DecodePool } from './otlp/decodePool.ts';
import type { OtlpIngestDeps } from './otlp/ingestOtlp.ts';
import { createSpooledPipeline, type SpooledPipeline } from './pipeline/spooledPipeline.ts';
import type { AcceptResult, IngestTable, Pipeline } from './pipeline/types.ts';
import { createIngestApp, type VerifyIngest } from './receivers/ingestApp.ts';
import { createOtlpGrpcServer, type OtlpGrpcServer } from './receivers/otlp-grpc/createOtlpGrpcServer.ts';
import { registerOtlpHttpRoutes } from './receivers/otlp-http/registerOtlpHttpRoutes.ts';
import { createSelfTelemetry, type SelfTelemetry } from './selfTelemetry/selfTelemetry.ts';
import { registerEventRoutes } from './receivers/events/registerEventRoutes.ts';
import { createMqttReceiver } from './receivers/mqtt/createMqttReceiver.ts';
import { registerOdooRoutes } from './receivers/odoo/registerOdooRoutes.ts';
import { createPollers } from './pollers/createPollers.ts';
import { listenHttp } from './tls/listenHttp.ts';

export interface CollectorDeps {
  config: LinewatchConfig;
  store: Store;
  logger: Logger;
  verify: VerifyIngest;
  now?: () => number;
  /** Name of this process in `linewatch_self` rows (default: host name and pid). */
  instance?: string;
}

/** The collector's pipeline as other parts see it: the Pipeline contract, plus control of the spool. */
export interface CollectorPipeline extends Pipeline {
  /** Accepts rows for several tables as one unit (all durable, or all refused). */
  acceptAll(parts: readonly { table: IngestTable; data: Uint8Array; rows: number }[]): Promise<AcceptResult>;
  /** Seals what is spooled and waits until it is in the store; false if `timeoutMs` passed first. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Points the inserter at another store (e.g. a reconnected server). */
  setStore(store: Store): void;
  /** The last store error while inserts fail, else undefined. */
  storeError(): string | undefined;
}

/** A long-running part next to the receivers (MQTT subscriptions, pollers), started after the pipeline. */
export interface CollectorPart {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

/** The collector as a process component: receivers, pipeline, pollers. */
export interface Collector {
  name: 'collector';
  /** The ingest routes (OTLP/HTTP, /v1/events, Odoo webhooks, /metrics); served on :4318 and mounted on the API port. */
  httpApp: Hono;
  pipeline: CollectorPipeline;
  /** Counters of receivers and pipeline (`/metrics`, `linewatch_self`); receivers of other kinds count here too. */
  telemetry: SelfTelemetry;
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness(): Promise<string | undefined>;
  /** Prometheus text of the collector's self-telemetry. */
  metricsText(): string;
  /** Where the receivers listen once started (the real ports when configured with 0). */
  addresses(): { otlpHttp: string | undefined; otlpGrpc: string | undefined };
}

const NOT_STARTED: AcceptResult = {
  ok: false,
  retryable: true,
  retryAfterSeconds: 1,
  reason: 'shutting_down',
};

/**
 * Assembles the collector from the config. Nothing runs until `start()`: it opens the spool
 * (replaying what an earlier run left), starts the decode workers, the OTLP/HTTP and OTLP/gRPC
 * listeners, the other receivers and the self-telemetry writer.
 * @example const collector = createCollector({ config, store, logger, verify }); await collector.start();
 */
export function createCollector(deps: CollectorDeps): Collector {
  const { config, logger } = deps;
  const c = config.collector;
  const now = deps.now ?? Date.now;
  const instance = deps.instance ?? `${hostname()}:${process.pid}`;
  const telemetry = createSelfTelemetry();
  let spooled: SpooledPipeline | undefined;
  let decoder: DecodePool | undefined;
  let httpServer: ServerType | undefined;
  let grpcServer: OtlpGrpcServer | undefined;
  let selfTimer: NodeJS.Timeout | undefined;
  let started = false;
  let stopping = false;
  let currentStore = deps.store;
  const extraStores: Store[] = [];

  // Receivers hold this facade: before start() and after stop() it answers "retry later".
  const pipeline: CollectorPipeline = {
    accept: (table, jsonLines, rows) =>
      spooled && !stopping ? spooled.accept(table, jsonLines, rows) : Promise.resolve(NOT_STARTED),
    acceptAll: (parts) => (spooled && !stopping ? spooled.acceptAll(parts) : Promise.resolve(NOT_STARTED)),
    flush: (timeoutMs) => (spooled ? spooled.flush(timeoutMs) : Promise.resolve(true)),
    setStore: (store) => {
      currentStore = store;
      spooled?.setStore(store);
    },
    storeError: () => spooled?.storeError(),
    close: () => collector.stop(),
  };

  const ingestDeps: OtlpIngestDeps = {
    pipeline,
    decoder: lazyDecoder(() => decoder),
    telemetry,
    logger,
    now,
  };

  const httpApp = createIngestApp(deps.verify);
  registerOtlpHttpRoutes(httpApp, { ...ingestDeps, maxBodyBytes: c.maxBodyBytes });
  httpApp.get('/metrics', (ctx) =>
    ctx.text(telemetry.prometheusText(), 200, { 'content-type': 'text/plain; version=0.0.4' }),
  );

  // ---- Receivers of business events and queue depths (Collector B): routes on httpApp, and parts
  // (MQTT, pollers) pushed onto `parts`, started after the pipeline and stopped before it.
  const parts: CollectorPart[] = [];
  const receiverDeps = {
    pipeline,
    maxBodyBytes: c.maxBodyBytes,
    logger,
    now,
    count: (receiver: string, measure: string, n: number, reason?: string) =>
      telemetry.count(receiver, 'business_events', measure, n, reason),
  };
  registerEventRoutes(httpApp, receiverDeps);
  registerOdooRoutes(httpApp, { ...receiverDeps, sources: c.odoo.sources });
  if (c.mqtt) parts.push(createMqttReceiver({ ...receiverDeps, config: c.mqtt }));
  if (c.pollers.length > 0)
    parts.push(createPollers({ configs: c.pollers, pipeline, logger, now, instance }));
  // ---- end of receivers

  async function writeSelfTelemetry(): Promise<void> {
    const { lines, rows } = telemetry.takeRows(now(), instance);
    if (!rows || !spooled) return;
    const r = await spooled.accept('linewatch_self', lines, rows);
    if (!r.ok) logger.debug({ reason: r.reason }, 'self-telemetry rows not spooled');
  }

  const collector: Collector = {
    name: 'collector',
    httpApp,
    pipeline,
    telemetry,
    async start() {
      if (started) return;
      started = true;
      const dir = resolve(c.spool.dir ?? join(config.store.dataDir, 'spool'));
      // Embedded: more write connections to the same engine, so segments are inserted side by side.
      if (currentStore.mode === 'embedded' && currentStore.dataDir)
        for (let i = 1; i < c.insertConcurrency; i++)
          extraStores.push(
            await openStore({
              ...config.store,
              mode: 'embedded',
              dataDir: currentStore.dataDir,
              database: currentStore.database,
              readConnections: 1,
            }),
          );
      spooled = await createSpooledPipeline({
        store: currentStore,
        dir,
        maxBytes: c.spool.maxBytes,
        batchMaxRows: c.batch.maxRows,
        batchMaxDelayMs: c.batch.maxDelay,
        logger,
        telemetry,
        now,
        closeFlushMs: Math.min(5_000, config.server.shutdownGraceSeconds * 500),
        extraStores,
      });
      spooled.start();
      decoder = createDecodePool(c.decodeWorkers, logger);
      httpServer = await listenHttp({
        fetch: httpApp.fetch,
        host: c.otlpHttp.host,
        port: c.otlpHttp.port,
        tls: c.otlpHttp.tls,
        source: 'collector.otlpHttp.tls',
        listener: 'otlp-http',
        logger,
      });
      grpcServer = await createOtlpGrpcServer({
        ...ingestDeps,
        host: c.otlpGrpc.host,
        port: c.otlpGrpc.port,
        tls: c.otlpGrpc.tls,
        maxBodyBytes: c.maxBodyBytes,
        verify: deps.verify,
      });
      for (const part of parts) await part.start();
      selfTimer = setInterval(() => {
        writeSelfTelemetry().catch((e: unknown) => logger.warn({ err: e }, 'writing self-telemetry failed'));
      }, c.selfTelemetryInterval);
      selfTimer.unref();
      logger.info(
        {
          otlpHttp: collector.addresses().otlpHttp,
          otlpGrpc: collector.addresses().otlpGrpc,
          spool: dir,
          decodeWorkers: decoder.size,
        },
        'collector started',
      );
    },
    async stop() {
      if (!started || stopping) return;
      stopping = true;
      if (selfTimer) clearInterval(selfTimer);
      // Stop taking new data first, then drain: receivers, parts, then the pipeline.
      const grace = Math.min(5_000, config.server.shutdownGraceSeconds * 500);
      await Promise.allSettled([
        grpcServer?.close(grace),
        new Promise<void>((r) => {
          if (!httpServer) return r();
          const server = httpServer;
          // Requests in flight get the grace period; then their connections are cut (senders retry).
          const cut = setTimeout(
            () => (server as { closeAllConnections?: () => void }).closeAllConnections?.(),
            grace,
          );
          cut.unref();
          server.close(() => {
            clearTimeout(cut);
            r();
          });
        }),
      ]);
      for (const part of [...parts].reverse())
        await Promise.resolve(part.stop()).catch((e: unknown) =>
          logger.warn({ err: e }, 'stopping a collector part failed'),
        );
      if (spooled) {
        const { lines, rows } = telemetry.takeRows(now(), instance);
        if (rows) await spooled.accept('linewatch_self', lines, rows);
        await spooled.close();
      }
      await Promise.allSettled(extraStores.map((s) => s.close()));
      await decoder?.close();
      logger.info('collector stopped');
    },
    readiness() {
      if (!spooled || stopping) return Promise.resolve('the collector is not running');
      const { bytes, maxBytes } = spooled.spoolBytes();
      // The spool absorbs store outages; only a nearly full spool means senders will be turned away.
      if (bytes >= maxBytes * 0.95)
        return Promise.resolve(
          `the spool is ${Math.round((bytes / maxBytes) * 100)}% full${spooled.storeError() ? ` (store: ${spooled.storeError()})` : ''}`,
        );
      return Promise.resolve(undefined);
    },
    metricsText: () => telemetry.prometheusText(),
    addresses() {
      const a = httpServer?.address() as AddressInfo | null | undefined;
      return {
        otlpHttp: a ? `${c.otlpHttp.tls ? 'https' : 'http'}://${hostForUrl(a.address)}:${a.port}` : undefined,
        otlpGrpc: grpcServer ? `${hostForUrl(c.otlpGrpc.host)}:${grpcServer.port}` : undefined,
      };
    },
  };
  return collector;
}

function lazyDecoder(get: () => DecodePool | undefined): DecodePool {
  return {
    get size() {
      return get()?.size ?? 0;
    },
    decode(...args) {
      const d = get();
      return d ? d.decode(...args) : Promise.reject(new Error('the collector is not started'));
    },
    recycle: (tables) => get()?.recycle(tables),
    close: () => Promise.resolve(),
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
