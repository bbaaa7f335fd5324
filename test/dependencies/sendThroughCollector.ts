import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createCollector, type Collector } from '@linewatch/collector';
import { LinewatchConfigSchema } from '@linewatch/schema';
import type { Store } from '@linewatch/store';

/** A running collector on ephemeral ports writing into a test store, and a way to send it SDK spans. */
export interface SpanSender {
  /** Exports the spans with the SDK's OTLP/HTTP protobuf exporter and waits until they are stored. */
  send(spans: readonly ReadableSpan[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the real collector (OTLP receivers, spool, inserter) for `store` and returns a sender that
 * goes through the wire path: SDK exporter → OTLP/HTTP protobuf → collector → otel_traces.
 */
export async function startSpanSender(store: Store): Promise<SpanSender> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'lw-dep-spool-'));
  const config = LinewatchConfigSchema.parse({
    store: { dataDir: store.dataDir ?? '/tmp/unused', database: store.database },
    collector: { otlpHttp: { port: 0 }, otlpGrpc: { port: 0 }, decodeWorkers: 1, spool: { dir: spoolDir } },
  });
  const collector: Collector = createCollector({
    config,
    store,
    logger: pino({ level: 'silent' }),
    verify: () => ({ scopes: new Set(['ingest']) }),
  });
  await collector.start();
  const exporter = new OTLPTraceExporter({ url: `${collector.addresses().otlpHttp}/v1/traces` });
  return {
    async send(spans) {
      await new Promise<void>((resolve, reject) =>
        exporter.export([...spans], (r) =>
          r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed')),
        ),
      );
      if (!(await collector.pipeline.flush(30_000)))
        throw new Error('the collector did not store the spans within 30 s');
    },
    async stop() {
      await exporter.shutdown();
      await collector.stop();
      rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}
