import { baseRatePerHour, formatKey, PRODUCT_FAMILIES, transportFor, type PlantSpec } from './estate.ts';
import type { Hop, PlannedStep, PlannedTransaction, SimFlow } from './model.ts';
import { Random } from './random.ts';
import { sampleArrivals, volumeFactor } from './rhythm.ts';
import { hopKind } from './scenarios.ts';

const MINUTE = 60_000;

/** What the planner needs: the estate, its flows and how strict the deadlines' guard band is. */
export interface PlannerOptions {
  seed: number | string;
  plants: readonly PlantSpec[];
  flows: readonly SimFlow[];
  /** Odoo steps go out as webhooks (else as spans of an instrumented Odoo). */
  odooWebhooks: boolean;
  /** Multiplies every flow's rate (1 = realistic; load tests raise it). */
  rateScale?: number;
  /** Every system instrumented with OpenTelemetry: every step is a span (load mode). */
  spansOnly?: boolean;
  /**
   * Deadlines are kept at least this far from their limit (ms), so the truth does not depend on how
   * the engine applies its clock-skew tolerance; use at least the engine's `correlation.clockSkew`.
   * 0 turns the guard off (load generation, where no truth is kept).
   */
  guardMs: number;
  /** Business keys are numbered from here (so restarts and parallel runs do not collide). */
  sequenceBase: number;
}

/** Other identifiers the flow's events carry: an MO released to the MES gets its work order there. */
export function extraKeys(flow: SimFlow): string[] {
  const fanOut = flow.steps.some((s) => s.fanOut?.key === 'work_order');
  const mes = flow.steps.some((s) => s.system.toLowerCase().startsWith('mes'));
  return flow.key === 'production_order' && mes && !fanOut ? ['work_order'] : [];
}

/** The name of a middleware queue between two systems' steps at a plant. */
export function queueName(plant: string, toSystem: string, flow: string): string {
  return `${plant.toLowerCase()}.${toSystem.toLowerCase()}.${flow}`;
}

/** Deadline of a flow for a plant (per-plant override or the default), in ms. */
export function deadlineFor(d: SimFlow['deadlines'][number], plant: string): number {
  return d.plants[plant] ?? d.withinMs;
}

/**
 * Plans the transactions of an estate minute by minute: arrivals follow each plant's shifts and
 * weekday rhythm, step latencies have long tails, deadlines are respected or clearly missed.
 * Deterministic: the same seed and minutes give the same transactions.
 */
export class TransactionPlanner {
  private readonly sequences = new Map<string, number>();
  private rateScale: number;

  constructor(private readonly options: PlannerOptions) {
    this.rateScale = options.rateScale ?? 1;
  }

  /** Changes the rate multiplier for minutes planned from now on (the load mode steers with it). */
  setRateScale(scale: number): void {
    if (!(scale > 0)) throw new RangeError(`rate scale must be positive, got ${scale}`);
    this.rateScale = scale;
  }

  /**
   * Odoo notifies its own changes by webhook, but when another system calls it over HTTP (the
   * middleware posting a confirmation) the call is traced, so that step is a span in the caller's trace.
   */
  private transport(system: string, plant: PlantSpec, hop: Hop) {
    if (this.options.spansOnly) return 'span';
    const t = transportFor(system, plant, this.options.odooWebhooks);
    return t === 'odoo_webhook' && hop.kind === 'http' ? 'span' : t;
  }

  /** Transactions starting in the simulated minute that begins at `minuteStart` (a multiple of 60 000). */
  planMinute(minuteStart: number): PlannedTransaction[] {
    const out: PlannedTransaction[] = [];
    const scale = this.rateScale;
    for (const plant of this.options.plants) {
      for (const flow of this.options.flows) {
        if (flow.plants.length && !flow.plants.includes(plant.id)) continue;
        const base = baseRatePerHour(flow) * plant.volume * scale;
        const rng = new Random(`${String(this.options.seed)}/${flow.id}/${plant.id}/${minuteStart / MINUTE}`);
        const rate = (t: number) => base * volumeFactor(plant.shifts, t, plant.utcOffsetHours);
        const max = base * plant.shifts.burstFactor;
        for (const start of sampleArrivals(rng, rate, max, minuteStart, minuteStart + MINUTE))
          out.push(this.planOne(flow, plant, start));
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /** Plans every minute in [from, to). */
  planRange(from: number, to: number): PlannedTransaction[] {
    const out: PlannedTransaction[] = [];
    for (let m = Math.floor(from / MINUTE) * MINUTE; m < to; m += MINUTE)
      for (const t of this.planMinute(m)) if (t.start >= from && t.start < to) out.push(t);
    return out;
  }

  private nextSequence(flow: SimFlow, plant: PlantSpec): number {
    const k = `${flow.id}/${plant.id}`;
    const n = (this.sequences.get(k) ?? 0) + 1;
    this.sequences.set(k, n);
    return this.options.sequenceBase + n;
  }

  private planOne(flow: SimFlow, plant: PlantSpec, start: number): PlannedTransaction {
    const seq = this.nextSequence(flow, plant);
    const key = formatKey(flow.key, plant, seq);
    const seed = `${String(this.options.seed)}/${flow.id}/${key}`;
    const rng = new Random(seed);
    const keys: Record<string, string> = {};
    for (const k of extraKeys(flow)) keys[k] = formatKey(k, plant, seq);
    const productFamily =
      plant.kind === 'process'
        ? rng.pick(['RESIN', 'RESIN', 'VALVE'])
        : rng.pick(PRODUCT_FAMILIES.slice(0, 4));
    const attributes: Record<string, string> = {};
    const children = new Map<string, string[]>();
    for (const s of flow.steps) {
      if (!s.fanOut) continue;
      const n = rng.int(2, 4);
      const base = formatKey(s.fanOut.key, plant, seq);
      children.set(
        s.id,
        Array.from({ length: n }, (_, c) => `${base}-${c + 1}`),
      );
      if (s.fanOut.countAttribute) attributes[s.fanOut.countAttribute] = String(n);
    }
    let steps = this.sampleSteps(rng, flow, plant, start, children);
    for (let attempt = 0; attempt < 12 && this.ambiguous(flow, plant.id, steps); attempt++)
      steps = this.sampleSteps(rng, flow, plant, start, children);
    if (this.ambiguous(flow, plant.id, steps))
      steps = this.sampleSteps(rng, flow, plant, start, children, 0.3);
    return { flow: flow.id, key, plant: plant.id, keys, productFamily, attributes, start, steps, seed };
  }

  /** True when a deadline's elapsed time falls inside the guard band around its limit. */
  private ambiguous(flow: SimFlow, plant: string, steps: PlannedStep[]): boolean {
    if (this.options.guardMs <= 0) return false;
    // A fan-out step is done when its last child is; any other step at its first occurrence.
    const at = (id: string) => {
      const times = steps.filter((s) => s.step === id).map((s) => s.time);
      if (!times.length) return undefined;
      return flow.steps.find((s) => s.id === id)?.fanOut ? Math.max(...times) : Math.min(...times);
    };
    return flow.deadlines.some((d) => {
      const a = at(d.from);
      const b = at(d.to);
      if (a === undefined || b === undefined) return false;
      const limit = deadlineFor(d, plant);
      return Math.abs(b - a - limit) < Math.max(this.options.guardMs, limit * 0.1);
    });
  }

  /** Samples step times; `squeeze` < 1 shortens every latency (last resort against ambiguity). */
  private sampleSteps(
    rng: Random,
    flow: SimFlow,
    plant: PlantSpec,
    start: number,
    children: Map<string, string[]>,
    squeeze = 1,
  ): PlannedStep[] {
    const steps: PlannedStep[] = [];
    let t = start;
    let prevSystem: string | undefined;
    flow.steps.forEach((s, i) => {
      if (s.optional && !rng.chance(0.7)) return;
      const kids = children.get(s.id);
      if (kids) {
        // Children run in parallel after the previous step; the flow goes on after the last one.
        const hop: Hop = this.hop(prevSystem, s.system, plant.id, flow.id);
        let last = t;
        kids.forEach((childKey, c) => {
          const at = t + Math.max(50, Math.round(this.latency(rng, flow, plant.id, i, hop) * squeeze));
          last = Math.max(last, at);
          steps.push({
            step: s.id,
            system: s.system,
            time: at,
            occurrence: c,
            childKey,
            transport: this.transport(s.system, plant, hop),
            hop,
          });
        });
        t = last;
        prevSystem = s.system;
        return;
      }
      const occurrences = s.repeat ? 1 + Math.min(3, rng.poisson(0.8)) : 1;
      for (let o = 0; o < occurrences; o++) {
        const hop: Hop = this.hop(prevSystem, s.system, plant.id, flow.id);
        if (i > 0 || o > 0)
          t += Math.max(50, Math.round(this.latency(rng, flow, plant.id, i, hop) * squeeze));
        steps.push({
          step: s.id,
          system: s.system,
          time: Math.round(t),
          occurrence: o,
          transport: this.transport(s.system, plant, hop),
          hop,
        });
        prevSystem = s.system;
      }
    });
    return steps.sort((a, b) => a.time - b.time);
  }

  private hop(from: string | undefined, to: string, plant: string, flow: string): Hop {
    if (from === undefined) return { kind: 'none' };
    const kind = hopKind(from, to);
    if (kind === 'queue') return { kind, queue: queueName(plant, to, flow) };
    return { kind };
  }

  /**
   * Latency into step `index`: log-normal with a long tail, its median the shorter of a share of the
   * deadlines covering the step and what the hop takes (an HTTP call, a queue, a batch or a person).
   */
  private latency(rng: Random, flow: SimFlow, plant: string, index: number, hop: Hop): number {
    const ids = flow.steps.map((s) => s.id);
    let allowance = Infinity;
    for (const d of flow.deadlines) {
      const a = ids.indexOf(d.from);
      const b = ids.indexOf(d.to);
      if (a < 0 || b < 0 || !(a < index && index <= b)) continue;
      allowance = Math.min(allowance, deadlineFor(d, plant) / (b - a));
    }
    const sameSystem = flow.steps[index - 1]?.system === flow.steps[index]?.system;
    const typical =
      hop.kind === 'http' ? 500 : hop.kind === 'queue' ? 8_000 : sameSystem ? 8 * MINUTE : 90_000;
    return rng.logNormal(Math.min(typical, allowance * 0.22), 0.9);
  }
}
