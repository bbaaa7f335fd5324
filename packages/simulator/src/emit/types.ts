import type { Emission } from '../model.ts';

/** The subset of a pino logger the simulator uses. */
export interface SimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** A logger that drops everything (library default). */
export const silentLogger: SimLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Where the simulated connectors send. */
export interface EmitTargets {
  /** OTLP/HTTP base URL (`http://127.0.0.1:4318`): /v1/traces and /v1/metrics. */
  otlpUrl: string;
  /** Base URL serving `/v1/events` and `/v1/odoo/webhook/<source>` (the OTLP port serves them too). */
  ingestUrl: string;
  /** Odoo webhook source name; without it Odoo steps are sent as spans. */
  odooSource?: string;
  /** MQTT broker and topic per plant; without it MQTT steps go to the events API. */
  mqtt?: { url: string; topic: (plant: string) => string };
  /** Headers for every request (an ingest token: `Authorization: Bearer …`). */
  headers?: Record<string, string>;
}

/** One emission with the identity of its transaction (for trace context between steps). */
export interface OutgoingStep {
  txn: string;
  emission: Emission;
  /** The transaction's last emission has been handed over: its trace state can be dropped. */
  last: boolean;
}

/** Counters of what was sent, per transport. */
export interface EmitStats {
  /** Spans made (step spans and the client/producer spans around them). */
  spans: number;
  /** Spans the collector acknowledged. */
  spansExported: number;
  events: number;
  mqtt: number;
  webhooks: number;
  gaugePoints: number;
  failures: number;
}

/** A queue's depth and oldest age at a simulated time. */
export interface QueueSample {
  queue: string;
  plant: string;
  depth: number;
  /** Seconds the oldest waiting message has waited (0 when empty). */
  oldestAgeSeconds: number;
}
