import type { Outcome } from '@linewatch/schema';

/** A step of a flow as the simulator needs it (from the flow files). */
export interface SimStep {
  id: string;
  /** The emitting system, as in the flow file (`odoo`, `mes`, `wms`, …). */
  system: string;
  optional: boolean;
  /** The step may happen several times per transaction (partial receipts). */
  repeat: boolean;
  /** The step happens once per child key (work orders of a production order). */
  fanOut?: { key: string; countAttribute?: string };
}

/** A deadline: `to` must follow `from` within `withinMs` (per-plant overrides in `plants`). */
export interface SimDeadline {
  from: string;
  to: string;
  withinMs: number;
  plants: Record<string, number>;
}

/** A flow as the simulator needs it: ids, the business key name, steps in order, deadlines. */
export interface SimFlow {
  id: string;
  /** The business key's name (`production_order`). */
  key: string;
  steps: SimStep[];
  deadlines: SimDeadline[];
  /** Plants the flow runs in; empty = all. */
  plants: string[];
}

/** How a step reaches Linewatch. */
export type Transport = 'span' | 'event' | 'mqtt' | 'odoo_webhook';

/** How a message got from the previous step's system to this one. */
export type Hop =
  /** A synchronous HTTP call: the trace context is propagated (W3C traceparent). */
  | { kind: 'http' }
  /** Through a broker queue: depth and oldest age are reported for it. */
  | { kind: 'queue'; queue: string }
  /** A batch file, an Odoo webhook or anything else that carries no trace context. */
  | { kind: 'none' };

/** One planned step of one transaction, before faults are applied. */
export interface PlannedStep {
  step: string;
  system: string;
  /** True event time (ms since the epoch). */
  time: number;
  /** 0 for the first occurrence; repeating and fan-out steps count up. */
  occurrence: number;
  /** Fan-out steps: the child's key (the event is keyed by it and links to the parent). */
  childKey?: string;
  transport: Transport;
  hop: Hop;
}

/** A business transaction the simulator will play: one (flow, key) at one plant. */
export interface PlannedTransaction {
  flow: string;
  key: string;
  plant: string;
  /** Other identifiers of the same thing (`work_order`), sent as `keys` / `biz.key.<name>`. */
  keys: Record<string, string>;
  /** Product family, used by the master-data scenario. */
  productFamily: string;
  /** Attributes carried by the first step's event (fan-out counts). */
  attributes: Record<string, string>;
  start: number;
  steps: PlannedStep[];
  /** Seed of this transaction's own random stream (independent of emission order). */
  seed: string;
}

/** A step as it will be sent, after scenario effects. */
export interface Emission {
  flow: string;
  /** The event's key: the transaction's key, or a fan-out child's key. */
  key: string;
  keys: Record<string, string>;
  attributes: Record<string, string>;
  plant: string;
  step: string;
  system: string;
  /** True time the step happened. */
  time: number;
  /** The time the emitting system reports (differs under clock skew). */
  reportedTime: number;
  /** When it reaches Linewatch (the emission is scheduled at this simulated time). */
  sendAt: number;
  outcome: Outcome;
  errorCategory?: string;
  errorMessage?: string;
  /** Unique per delivered event; a duplicate delivery gets its own id. */
  eventId: string;
  transport: Transport;
  hop: Hop;
  /** Latency of the step's own work, for the span's duration (ms). */
  durationMs: number;
  productFamily: string;
  /** The scenario that shaped this step, if any. */
  scenario?: string;
  /** Index of this emission within its transaction (for parent/child spans). */
  index: number;
}

/** What the correlation engine should conclude about a transaction. */
export type ExpectedStatus =
  'completed' | 'late' | 'missing' | 'failed' | 'recovered' | 'duplicate' | 'in_progress';

/** A transaction after scenario effects: what is sent and what the engine should conclude. */
export interface RealizedTransaction {
  planned: PlannedTransaction;
  emissions: Emission[];
  status: ExpectedStatus;
  reason: string;
  errorCategory?: string;
  /** The simulated time after which the status no longer changes (last deadline + tolerance). */
  settledAt: number;
  scenario?: string;
  /** Messages this transaction put on broker queues: [queue, enqueued, dequeued or undefined if never]. */
  queueStays: QueueStay[];
}

/** One message's stay on a queue. */
export interface QueueStay {
  queue: string;
  plant: string;
  enqueued: number;
  /** undefined: never consumed within the transaction (lost with an outage, or on the dead-letter queue). */
  dequeued: number | undefined;
}
