import { createSpanEmitter } from '../emit/createSpanEmitter.ts';
import type { SimFlow } from '../model.ts';
import { realizeEstate } from './planEstate.ts';

/** What the load mode should do. */
export interface LoadOptions {
  flows: readonly SimFlow[];
  /** OTLP/HTTP base URL of the collector. */
  otlpUrl: string;
  headers?: Record<string, string>;
  /** Target spans per second. */
  rate: number;
  /** Real duration of the run (ms). */
  durationMs: number;
  seed?: number;
  plants?: number;
  /** Called about once a second with the spans made and acknowledged so far. */
  onProgress?: (p: { seconds: number; made: number; exported: number; failed: number }) => void;
}

/** What a load run achieved. */
export interface LoadResult {
  seconds: number;
  spansMade: number;
  spansExported: number;
  spansFailed: number;
  /** Spans acknowledged by the collector per second, from the start to the last acknowledgement. */
  exportedPerSecond: number;
  /** Spans made per second of the paced phase. */
  madePerSecond: number;
  /** CPU seconds this process used (user + system): on a shared machine, spans per CPU second tells what one free core sustains. */
  cpuSeconds: number;
}

const SLICE_MS = 50;

/**
 * The load mode: the estate's transactions with every connector instrumented (step spans, HTTP
 * client and queue producer spans, `biz.*` attributes, trace context across calls), made with the
 * OpenTelemetry SDK and sent by its batch span processors and OTLP/HTTP protobuf exporters, paced to
 * `rate` spans per second. Transactions are made as fast as the pace asks rather than waiting for
 * simulated time, so span times lie in the simulated hour before the run.
 * @example const r = await runLoad({ flows, otlpUrl: 'http://127.0.0.1:4318', rate: 20_000, durationMs: 30_000 })
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const emitter = createSpanEmitter({
    otlpUrl: options.otlpUrl,
    ...(options.headers ? { headers: options.headers } : {}),
    seed: `load${options.seed ?? 42}-${Date.now()}`,
    maxQueueSize: 200_000,
    maxExportBatchSize: 2_000,
    scheduledDelayMillis: 100,
    propagation: 'direct',
  });
  const transactions = realizeEstate({
    flows: options.flows,
    seed: options.seed ?? 42,
    plants: options.plants ?? 3,
    count: Number.MAX_SAFE_INTEGER,
    start: Date.now() - 3_600_000,
    spansOnly: true,
    predict: false,
    // Dense enough that one simulated minute holds a few seconds of load.
    rateScale: Math.max(1, options.rate / 20),
  });
  const started = Date.now();
  const cpuStart = process.cpuUsage();
  const total = (options.rate * options.durationMs) / 1000;
  let full = false;
  let lastProgress = started;
  for (;;) {
    const now = Date.now();
    const elapsed = now - started;
    if (elapsed >= options.durationMs) break;
    if (full) break;
    const due = Math.min((options.rate * (elapsed + SLICE_MS)) / 1000, total);
    // Work in short slices so the exporters' sockets and timers keep running between them.
    const sliceEnd = performance.now() + SLICE_MS / 2;
    while (emitter.count < due && performance.now() < sliceEnd) {
      const next = transactions.next();
      if (next.done) break;
      const r = next.value;
      // A transaction's spans go out together: stop before one would overshoot the run's total.
      if (emitter.count + r.emissions.length > total) {
        full = true;
        break;
      }
      const txn = `${r.planned.flow}|${r.planned.key}`;
      r.emissions.forEach((e, i) => emitter.emit({ txn, emission: e, last: i === r.emissions.length - 1 }));
    }
    if (now - lastProgress >= 1_000) {
      lastProgress = now;
      options.onProgress?.({
        seconds: elapsed / 1000,
        made: emitter.count,
        exported: emitter.exported,
        failed: emitter.failed,
      });
    }
    // Yield so the exporters can send; sleep only when ahead of the pace.
    const ahead = emitter.count >= (options.rate * (Date.now() - started + SLICE_MS)) / 1000;
    await new Promise((resolve) => (ahead ? setTimeout(resolve, SLICE_MS / 2) : setImmediate(resolve)));
  }
  const pacedSeconds = (Date.now() - started) / 1000;
  const made = emitter.count;
  await emitter.forceFlush();
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await emitter.shutdown();
  return {
    seconds,
    spansMade: made,
    spansExported: emitter.exported,
    spansFailed: emitter.failed,
    exportedPerSecond: emitter.exported / seconds,
    madePerSecond: made / pacedSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}
