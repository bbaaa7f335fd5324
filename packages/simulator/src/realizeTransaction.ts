import type {
  Emission,
  PlannedStep,
  PlannedTransaction,
  QueueStay,
  RealizedTransaction,
  SimFlow,
} from './model.ts';
import { deadlineFor } from './planTransactions.ts';
import { predictStatus } from './predictStatus.ts';
import { Random } from './random.ts';
import { SKEW_MS, type ScenarioName, type ScenarioWindow } from './scenarios.ts';

/** What realizing a planned transaction needs: its flow, the scenario schedule, the engine's tolerance. */
export interface RealizeOptions {
  flow: SimFlow;
  /** Scenario windows in force (a window switched on at run time has `to` = Infinity until switched off). */
  windows: readonly ScenarioWindow[];
  /** The engine's clock-skew tolerance (`correlation.clockSkew`), for unambiguous predictions. */
  toleranceMs: number;
  /** Prefix of event ids, unique per run. */
  runId: string;
  /** Background faults at realistic rates (transient retries, hard failures, duplicates); default on. */
  organicFaults?: boolean;
  /** Predict the status (default true); the load mode needs no truth and skips it. */
  predict?: boolean;
}

type Organic = 'retry' | 'fail' | 'duplicate' | undefined;

const HARD_FAILURES = [
  { category: 'timeout', message: 'upstream timed out after 30 s' },
  { category: 'validation', message: 'required field missing: location_dest_id' },
  { category: 'conflict', message: 'record was modified by another transaction (serialization failure)' },
];

/**
 * Applies scenario effects and background faults to a planned transaction and predicts the status
 * the engine must reach: the ground truth. Pure: the same inputs give the same emissions.
 * Returns undefined when the transaction never starts (its first step lost to an outage).
 */
export function realizeTransaction(
  planned: PlannedTransaction,
  options: RealizeOptions,
): RealizedTransaction | undefined {
  let push = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = realizeOnce(planned, options, push);
    if (!r) return undefined;
    if (!r.ambiguous || attempt === 2) return r.result;
    push += 2 * options.toleranceMs + 60_000;
  }
  return undefined;
}

function realizeOnce(
  planned: PlannedTransaction,
  options: RealizeOptions,
  push: number,
): { result: RealizedTransaction; ambiguous: boolean } | undefined {
  const { flow } = options;
  const rng = new Random(`${planned.seed}/faults`);
  const organic: Organic = options.organicFaults === false ? undefined : pickOrganic(rng);
  const organicAt = planned.steps.length > 1 ? rng.int(1, planned.steps.length - 1) : -1;

  const emissions: Emission[] = [];
  const stays: QueueStay[] = [];
  let shift = 0;
  let scenario: ScenarioName | undefined;
  let lastOtherTime = planned.start;
  let currentStep: string | undefined;
  let n = 0;

  const emit = (p: PlannedStep, time: number, extra: Partial<Emission> = {}): Emission => {
    const e: Emission = {
      flow: planned.flow,
      key: p.childKey ?? planned.key,
      keys: p.childKey ? { ...planned.keys, [flow.key]: planned.key } : { ...planned.keys },
      attributes:
        emissions.length === 0
          ? { ...planned.attributes, product_family: planned.productFamily }
          : { product_family: planned.productFamily },
      plant: planned.plant,
      step: p.step,
      system: p.system,
      time,
      reportedTime: time,
      sendAt: time,
      outcome: 'ok',
      eventId: `${options.runId}:${planned.flow}:${planned.key}:${p.step}:${n++}`,
      transport: p.transport,
      hop: p.hop,
      durationMs: stepDuration(rng, p),
      productFamily: planned.productFamily,
      index: emissions.length,
      ...extra,
    };
    // Odoo webhooks fire on successful state changes and carry no error category: Odoo's failures
    // come from its instrumentation. Span-derived events carry no attributes, so an event that must
    // carry one (a fan-out count) goes through the events API.
    if (e.transport === 'odoo_webhook' && e.outcome !== 'ok') e.transport = 'span';
    if (e.transport === 'span' && Object.keys(e.attributes).some((k) => k !== 'product_family'))
      e.transport = 'event';
    if (e.transport === 'odoo_webhook') e.reportedTime = Math.floor(e.reportedTime / 1000) * 1000; // Odoo's write_date has seconds
    e.sendAt = sendTime(rng, e);
    emissions.push(e);
    return e;
  };

  for (let i = 0; i < planned.steps.length; i++) {
    const p = planned.steps[i] as PlannedStep;
    if (p.step !== currentStep) {
      lastOtherTime = emissions.at(-1)?.time ?? planned.start;
      currentStep = p.step;
    }
    let t = p.time + shift;
    const producer = lastOtherTime;
    const w = options.windows.find(
      (x) =>
        (scenario === undefined || x.name === scenario) &&
        t >= x.from &&
        t < x.to &&
        affects(x, planned, p, i),
    );
    const enqueue = (
      dequeued: number | undefined,
      queue = p.hop.kind === 'queue' ? p.hop.queue : undefined,
    ) => {
      if (queue) stays.push({ queue, plant: planned.plant, enqueued: producer, dequeued });
    };

    if (w) {
      // Only an effect that happens marks the transaction (a poison message hits some messages, not all).
      const applies = w.name !== 'poison-messages' && w.name !== 'duplicate-deliveries';
      if (applies) scenario = w.name;
      switch (w.name) {
        case 'connector-outage': {
          if (i === 0) return undefined;
          // Inbound messages wait in the queue until the connector is back, then are discarded as stale.
          enqueue(Number.isFinite(w.to) ? Math.max(w.to, producer) : undefined);
          return finish(true);
        }
        case 'slow-consumer': {
          // The backlog grows through the window: each message waits longer than the one before.
          const extra = Math.round((t - w.from) * 1.6 + 90_000 + push);
          const at = t + extra;
          shift += extra;
          t = at;
          enqueue(at - 50);
          emit(p, at, { scenario: w.name });
          continue;
        }
        case 'poison-messages': {
          if (p.hop.kind !== 'queue' || !rng.chance(0.4)) break;
          scenario = w.name;
          enqueue(t);
          stays.push({ queue: `${p.hop.queue}.dlq`, plant: planned.plant, enqueued: t, dequeued: undefined });
          emit(p, t, {
            outcome: 'dead_lettered',
            errorCategory: 'malformed_message',
            errorMessage: 'cannot parse message body: unexpected end of JSON input at position 412',
            scenario: w.name,
          });
          return finish(false);
        }
        case 'duplicate-deliveries': {
          const s = flow.steps.find((x) => x.id === p.step);
          if (s?.repeat || s?.fanOut || !rng.chance(0.45)) break;
          scenario = w.name;
          enqueue(t);
          emit(p, t, { scenario: w.name });
          emit(p, t + rng.int(3_000, 25_000), { scenario: w.name });
          continue;
        }
        case 'expired-credential': {
          enqueue(t);
          emit(p, t, {
            outcome: 'failed',
            errorCategory: 'auth',
            errorMessage: 'HTTP 401 Unauthorized: access token expired',
            scenario: w.name,
          });
          return finish(false);
        }
        case 'clock-skew': {
          enqueue(t);
          const e = emit(p, t, { scenario: w.name });
          e.reportedTime = t + SKEW_MS;
          if (e.transport === 'odoo_webhook') e.reportedTime = Math.floor(e.reportedTime / 1000) * 1000;
          continue;
        }
        case 'master-data-error': {
          enqueue(t);
          emit(p, t, {
            outcome: 'failed',
            errorCategory: 'master_data',
            errorMessage: `product ${planned.productFamily}-${rng.int(100, 999)}: unit of measure "pcs" not in category "Weight"`,
            scenario: w.name,
          });
          // Half are corrected and retried at once; the rest wait for a person and stay failed.
          if (!rng.chance(0.5)) return finish(false);
          const retryAt = t + rng.int(20_000, 60_000);
          shift += retryAt - t;
          emit(p, retryAt, { scenario: w.name });
          continue;
        }
        case 'partner-latency': {
          // Slow enough to miss the deadline into this step, if there is one.
          const latency = Math.max(1_000, t - (i === 0 ? t : lastOtherTime));
          const bound = flow.deadlines
            .filter((d) => d.to === p.step)
            .reduce((m, d) => Math.min(m, deadlineFor(d, planned.plant)), Infinity);
          // A spike of minutes misses a deadline of minutes, not one of a day.
          const short = Number.isFinite(bound) && bound <= 3_600_000;
          const extra = Math.round(
            short
              ? Math.max(latency * rng.float(8, 15), bound * rng.float(1.3, 2)) + options.toleranceMs + push
              : latency * rng.float(8, 15),
          );
          shift += extra;
          t += extra;
          enqueue(t);
          const e = emit(p, t, { scenario: w.name });
          e.durationMs = Math.min(extra, 120_000);
          continue;
        }
      }
    }

    if (!scenario && organic && i === organicAt) {
      const s = flow.steps.find((x) => x.id === p.step);
      if (organic === 'retry') {
        enqueue(t);
        emit(p, t, {
          outcome: 'retried',
          errorCategory: 'timeout',
          errorMessage: 'upstream timed out after 30 s; retrying',
        });
        const retryAt = t + rng.int(1_000, 8_000);
        shift += retryAt - t;
        emit(p, retryAt);
        continue;
      }
      if (organic === 'fail') {
        const f = rng.pick(HARD_FAILURES);
        enqueue(t);
        emit(p, t, { outcome: 'failed', errorCategory: f.category, errorMessage: f.message });
        return finish(false);
      }
      if (organic === 'duplicate' && !s?.repeat && !s?.fanOut) {
        enqueue(t);
        emit(p, t);
        emit(p, t + rng.int(1_000, 30_000));
        continue;
      }
    }
    enqueue(t);
    emit(p, t);
  }
  return finish(false);

  function finish(_stoppedEarly: boolean): { result: RealizedTransaction; ambiguous: boolean } {
    const observed = emissions.map((e) => ({
      step: e.step,
      key: e.key,
      eventId: e.eventId,
      time: e.reportedTime,
      outcome: e.outcome,
      ...(e.errorCategory ? { errorCategory: e.errorCategory } : {}),
      attributes: e.attributes,
    }));
    const prediction =
      options.predict === false
        ? { status: 'in_progress' as const, reason: 'not predicted', ambiguous: false, settledAt: -Infinity }
        : predictStatus(flow, planned.plant, observed, Infinity, options.toleranceMs);
    const lastSend = Math.max(...emissions.map((e) => e.sendAt));
    const result: RealizedTransaction = {
      planned,
      emissions: emissions.sort((a, b) => a.sendAt - b.sendAt || a.index - b.index),
      status: prediction.status,
      reason: prediction.reason,
      ...(prediction.errorCategory ? { errorCategory: prediction.errorCategory } : {}),
      settledAt: Math.max(lastSend, prediction.settledAt + options.toleranceMs),
      ...(scenario ? { scenario } : {}),
      queueStays: stays,
    };
    return { result, ambiguous: prediction.ambiguous };
  }
}

function pickOrganic(rng: Random): Organic {
  const x = rng.next();
  if (x < 0.006) return 'retry';
  if (x < 0.009) return 'fail';
  if (x < 0.012) return 'duplicate';
  return undefined;
}

/** Does a scenario window touch this step of this transaction? */
function affects(w: ScenarioWindow, t: PlannedTransaction, p: PlannedStep, index: number): boolean {
  const target = w.target;
  if (target.plant && target.plant !== t.plant) return false;
  if (!target.flows.includes(t.flow)) return false;
  switch (w.name) {
    case 'connector-outage':
    case 'clock-skew':
      return p.system === target.system;
    case 'expired-credential':
    case 'partner-latency':
      // The partner's API is called by another system; its own follow-up steps are not calls.
      return p.system === target.system && p.hop.kind === 'http';
    case 'slow-consumer':
    case 'poison-messages':
    case 'duplicate-deliveries':
      return p.hop.kind === 'queue' && (target.queues ?? []).includes(p.hop.queue);
    case 'master-data-error':
      return index > 0 && t.productFamily === target.productFamily && p.system === target.system;
  }
}

/** How long the step's own work takes (the span's duration). */
function stepDuration(rng: Random, p: PlannedStep): number {
  switch (p.hop.kind) {
    case 'http':
      return Math.round(rng.logNormal(180, 0.6));
    case 'queue':
      return Math.round(rng.logNormal(60, 0.7));
    case 'none':
      return Math.round(rng.logNormal(250, 0.9));
  }
}

/** When the step reaches Linewatch: WMS uploads batches every 2 minutes, others send at once. */
function sendTime(rng: Random, e: Emission): number {
  if (e.transport === 'event' && e.system.toLowerCase() === 'wms')
    return Math.ceil(e.time / 120_000) * 120_000 + rng.int(0, 5_000);
  if (e.transport === 'event') return e.time + rng.int(200, 3_000);
  if (e.transport === 'mqtt') return e.time + rng.int(20, 300);
  return e.time + rng.int(5, 200);
}
