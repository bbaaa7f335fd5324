import type { EmissionSink } from '../emit/createNetworkSink.ts';
import type { EmitStats, OutgoingStep, QueueSample } from '../emit/types.ts';

/** An EmissionSink that keeps what it is given, for tests of the simulator's scheduling. */
export interface MemorySink extends EmissionSink {
  steps: OutgoingStep[];
  queueReports: { time: number; samples: QueueSample[] }[];
  closed: boolean;
}

/** Creates an in-memory sink. */
export function createMemorySink(): MemorySink {
  const sink: MemorySink = {
    steps: [],
    queueReports: [],
    closed: false,
    send(steps) {
      sink.steps.push(...steps);
      return Promise.resolve();
    },
    reportQueues(time, samples) {
      sink.queueReports.push({ time, samples: [...samples] });
      return Promise.resolve();
    },
    flush: () => Promise.resolve(),
    close() {
      sink.closed = true;
      return Promise.resolve();
    },
    stats: (): EmitStats => ({
      spans: 0,
      spansExported: 0,
      events: sink.steps.length,
      mqtt: 0,
      webhooks: 0,
      gaugePoints: 0,
      failures: 0,
    }),
  };
  return sink;
}
