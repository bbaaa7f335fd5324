import { DemoScenarioNameSchema, type DemoScenarioName } from '@linewatch/schema';
import type { PlantSpec } from './estate.ts';
import { PRODUCT_FAMILIES } from './estate.ts';
import type { SimFlow } from './model.ts';

const MINUTE = 60_000;

/** The fault scenarios the simulator can play (the demo panel's API names them: DemoScenarioNameSchema). */
export const SCENARIO_NAMES = DemoScenarioNameSchema.options;
export type ScenarioName = DemoScenarioName;

/** True for a known scenario name. */
export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

/** Thrown for an unknown scenario name or a scenario the estate's flows cannot play. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** What a scenario touches, resolved against the estate and its flows. */
export interface ScenarioTarget {
  /** Plant affected; undefined = every plant. */
  plant?: string;
  /** Emitting system affected (its steps, or the consumer of its inbound queue). */
  system?: string;
  /** Flows in which an effect can show. */
  flows: string[];
  /** Product family (master-data scenario). */
  productFamily?: string;
  /** Queues whose depth should show the effect. */
  queues?: string[];
}

/** A scenario switched on for a window of simulated time. */
export interface ScenarioWindow {
  name: ScenarioName;
  from: number;
  /** Exclusive end; Infinity while switched on with no end. */
  to: number;
  target: ScenarioTarget;
}

/** What each scenario does, for docs, the CLI and the demo panel. */
export const SCENARIO_DESCRIPTIONS: Record<
  ScenarioName,
  { title: string; effect: string; defaultMinutes: number }
> = {
  'connector-outage': {
    title: 'MES connector outage',
    effect:
      "The MES connector of one plant is down: messages to the MES pile up in its inbound queue and are discarded as stale on restart, the MES steps never happen and the flows' next steps go missing.",
    defaultMinutes: 10,
  },
  'slow-consumer': {
    title: 'Slow queue consumer',
    effect:
      'A middleware consumer falls behind: the queue depth and the oldest message age climb, and the steps behind it arrive late.',
    defaultMinutes: 12,
  },
  'poison-messages': {
    title: 'Poison messages',
    effect:
      'Malformed messages cannot be processed: they are dead-lettered (outcome dead_lettered, category malformed_message) and the dead-letter queue grows.',
    defaultMinutes: 10,
  },
  'duplicate-deliveries': {
    title: 'Retry storm duplicates',
    effect:
      'After a broker failover the consumer processes redelivered messages a second time: the same step is recorded twice with different event ids.',
    defaultMinutes: 8,
  },
  'expired-credential': {
    title: 'Expired partner credential',
    effect: "A partner API rejects the connector's expired token: its steps fail with category auth.",
    defaultMinutes: 10,
  },
  'clock-skew': {
    title: 'Clock skew',
    effect:
      "One system's clock runs 100 s behind: its events arrive out of order, within the tolerated skew, so statuses stay right.",
    defaultMinutes: 15,
  },
  'master-data-error': {
    title: 'Master-data error',
    effect:
      'One product family has a broken unit of measure in Odoo: its steps fail validation (category master_data); some succeed on a quick retry once corrected (recovered).',
    defaultMinutes: 10,
  },
  'partner-latency': {
    title: 'Partner API latency spike',
    effect: "A partner's API answers 8–15 times slower: the steps behind it arrive late.",
    defaultMinutes: 10,
  },
};

/** Clock skew applied by the clock-skew scenario (behind, within the default 120 s tolerance). */
export const SKEW_MS = -100_000;

const isPartner = (system: string) => /carrier|logistic|supplier|partner|edi/.test(system.toLowerCase());

/** Index of the consuming step of the first queue hop into `system` from another system, per flow. */
function flowsWithSystem(
  flows: readonly SimFlow[],
  pred: (system: string) => boolean,
  notFirst = true,
): string[] {
  return flows.filter((f) => f.steps.some((s, i) => pred(s.system) && (!notFirst || i > 0))).map((f) => f.id);
}

/**
 * Resolves what a scenario touches in this estate (plant, system, flows, queues), or throws
 * ScenarioError when no flow can show it.
 */
export function resolveScenarioTarget(
  name: ScenarioName,
  flows: readonly SimFlow[],
  plants: readonly PlantSpec[],
  queueName: (plant: string, toSystem: string, flow: string) => string,
): ScenarioTarget {
  const plant = (n: number) => (plants[Math.min(n, plants.length - 1)] as PlantSpec).id;
  const none = (what: string): never => {
    throw new ScenarioError(`scenario ${name}: no flow has ${what}`);
  };
  const queuesFor = (p: string | undefined, flowIds: string[], pred: (system: string) => boolean) => {
    const plantIds = p ? [p] : plants.map((x) => x.id);
    const out: string[] = [];
    for (const f of flows.filter((x) => flowIds.includes(x.id)))
      f.steps.forEach((s, i) => {
        const prev = f.steps[i - 1];
        if (prev && pred(s.system) && prev.system !== s.system && hopKind(prev.system, s.system) === 'queue')
          for (const pid of plantIds) out.push(queueName(pid, s.system, f.id));
      });
    return [...new Set(out)];
  };
  switch (name) {
    case 'connector-outage': {
      const isMes = (s: string) => s.toLowerCase().startsWith('mes');
      const ids = flowsWithSystem(flows, isMes);
      if (!ids.length) none('an MES step after its first step');
      const system = flows.flatMap((f) => f.steps).find((s) => isMes(s.system))?.system as string;
      return { plant: plant(1), system, flows: ids, queues: queuesFor(plant(1), ids, isMes) };
    }
    case 'slow-consumer':
    case 'poison-messages':
    case 'duplicate-deliveries': {
      // The queue consumer in the busiest flows: middleware if the flows have it, else any queue hop.
      const consumer = (s: string) => s.toLowerCase().includes('middleware');
      let ids = flows
        .filter((f) =>
          f.steps.some(
            (s, i) =>
              i > 0 &&
              consumer(s.system) &&
              hopKind((f.steps[i - 1] as { system: string }).system, s.system) === 'queue',
          ),
        )
        .map((f) => f.id);
      let pred = consumer;
      if (!ids.length) {
        pred = () => true;
        ids = flows
          .filter((f) =>
            f.steps.some(
              (s, i) => i > 0 && hopKind((f.steps[i - 1] as { system: string }).system, s.system) === 'queue',
            ),
          )
          .map((f) => f.id);
      }
      if (!ids.length) none('a queue between two systems');
      const p = name === 'slow-consumer' ? plant(0) : name === 'poison-messages' ? plant(2) : plant(0);
      // Slow consumer and duplicates share P01 only when there are fewer plants; keep them on different flows.
      const chosen =
        name === 'duplicate-deliveries' && ids.length > 1
          ? ids.slice(1)
          : name === 'slow-consumer'
            ? ids.slice(0, 1)
            : ids;
      const system = flows.flatMap((f) => f.steps).find((s, i) => i >= 0 && pred(s.system))?.system;
      return { plant: p, system, flows: chosen, queues: queuesFor(p, chosen, pred) };
    }
    case 'expired-credential':
    case 'partner-latency': {
      // The carrier's API if the flows have one, else another partner.
      const partners = flows.flatMap((f) =>
        f.steps.filter((s, i) => i > 0 && isPartner(s.system)).map((s) => s.system),
      );
      const system = partners.find((s) => /carrier/i.test(s)) ?? partners[0];
      if (!system)
        none('a partner system (carrier, logistics platform, supplier portal) after its first step');
      return { system, flows: flowsWithSystem(flows, (s) => s === system) };
    }
    case 'clock-skew': {
      const isWms = (s: string) => s.toLowerCase() === 'wms';
      const candidates = flows.flatMap((f) =>
        f.steps.filter((s, i) => i > 0 && s.system !== 'odoo').map((s) => s.system),
      );
      const system = candidates.find(isWms) ?? candidates[0];
      if (!system) none('a step outside Odoo');
      return { plant: plant(1), system, flows: flowsWithSystem(flows, (s) => s === system) };
    }
    case 'master-data-error': {
      const ids = flows
        .filter((f) => f.steps.some((s, i) => i > 0 && s.system.toLowerCase().startsWith('odoo')))
        .map((f) => f.id);
      if (!ids.length) none('an Odoo step after its first step');
      return { flows: ids, productFamily: PRODUCT_FAMILIES[0], system: 'odoo' };
    }
  }
}

/** How a message travels between two systems' steps. */
export function hopKind(from: string, to: string): 'http' | 'queue' | 'none' {
  if (from === to) return 'none';
  const f = from.toLowerCase();
  const t = to.toLowerCase();
  if (f.includes('middleware') && t.startsWith('odoo')) return 'http';
  if (isPartner(f) || isPartner(t)) return 'http';
  return 'queue';
}

/**
 * Places scenarios in a run: each starts after a warm-up and they are staggered so one's effects
 * can be told from another's. A scenario may be written `name@20m` to start 20 minutes into the run,
 * and `name@20m+5m` to last 5 minutes.
 */
export function scheduleScenarios(
  specs: readonly string[],
  start: number,
  durationMs: number,
  parse: (text: string) => number | undefined,
): { name: ScenarioName; from: number; to: number }[] {
  return specs.map((spec, i) => {
    const m = /^([a-z-]+)(?:@([0-9a-z.]+))?(?:\+([0-9a-z.]+))?$/.exec(spec.trim());
    const name = m?.[1] ?? spec;
    if (!m || !isScenarioName(name))
      throw new ScenarioError(`unknown scenario "${spec}" (known: ${SCENARIO_NAMES.join(', ')})`);
    const length =
      m[3] !== undefined
        ? parse(m[3])
        : Math.min(SCENARIO_DESCRIPTIONS[name].defaultMinutes * MINUTE, durationMs * 0.4);
    const offset =
      m[2] !== undefined
        ? parse(m[2])
        : Math.max(5 * MINUTE, durationMs * 0.15) + (i * durationMs * 0.5) / Math.max(1, specs.length);
    if (length === undefined || offset === undefined)
      throw new ScenarioError(
        `scenario "${spec}": expected name@offset+length like connector-outage@20m+10m`,
      );
    return { name, from: start + offset, to: start + offset + length };
  });
}
