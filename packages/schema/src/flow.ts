import { z } from 'zod';
import { DurationSchema } from './duration.ts';

// A business flow as code (`flows/*.yaml`): the steps one business transaction goes through, the
// systems that emit them, and the deadlines between them. docs/flows.md explains every field.
// Objects are strict: a misspelt field (`deadline:` for `deadlines:`) is an error, not ignored.

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'expected a lowercase identifier like production_order ([a-z][a-z0-9_]*)')
  .max(64);

const duration = (what: string) =>
  DurationSchema.describe(`${what}: a duration like "5m", "2h", "1h30m" (or milliseconds)`);

/** What a failure of the flow hurts, most severe first. */
export const CriticalitySchema = z
  .enum(['production', 'quality', 'shipping', 'inventory', 'finance', 'informational'])
  .describe(
    'What a failure of the flow hurts: production, quality, shipping, inventory, finance or informational',
  );
export type Criticality = z.infer<typeof CriticalitySchema>;

/**
 * A step emitted many times for one transaction, once per child business key: one production order
 * fans out into several work orders, each confirmed on its own. Child events are keyed by the child
 * key and carry `keys.<flow key>` (at least one of each child's events does), which links them to
 * the parent transaction. The step is done when `countAttribute` children have done it (read from
 * the attributes of the transaction's events), or, without a count, when at least one child has;
 * its time is the time the last of those children did it.
 */
export const FanOutSchema = z
  .strictObject({
    key: identifier.describe('Name of the child key, e.g. work_order (labels "3 of 4 work orders")'),
    countAttribute: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Attribute, on any event of the transaction, holding how many children to expect'),
  })
  .describe(
    'The step happens once per child key; child events are keyed by the child and carry keys.<flow key>',
  );
export type FanOut = z.infer<typeof FanOutSchema>;

export const FlowStepSchema = z
  .strictObject({
    id: identifier.describe('Step id, as events carry it in `step`'),
    name: z.string().min(1).max(128).optional().describe('Human label; defaults to the id'),
    system: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .describe('The system that emits this step: odoo, mes, wms, qms, cmms, middleware, carrier …'),
    description: z.string().max(2000).optional(),
    optional: z
      .boolean()
      .default(false)
      .describe('An optional step never makes a transaction incomplete or missing'),
    repeat: z
      .boolean()
      .default(false)
      .describe(
        'The step may happen several times per transaction (partial goods receipts); never a duplicate',
      ),
    fanOut: FanOutSchema.optional(),
  })
  .refine((s) => !(s.repeat && s.fanOut), {
    message: 'a step is either repeat or fanOut, not both',
    path: ['fanOut'],
  });
export type FlowStep = z.infer<typeof FlowStepSchema>;

/**
 * The `to` step must happen within `within` after the `from` step (event times), optionally with a
 * different bound per plant. A deadline whose `from` step has not happened does not run yet.
 */
export const DeadlineSchema = z
  .strictObject({
    from: identifier.describe('The step the deadline counts from'),
    to: identifier.describe('The step that must follow'),
    within: duration('How long after `from` the `to` step may happen'),
    plants: z
      .record(z.string().min(1).max(128), duration('Bound for this plant'))
      .optional()
      .describe('Per-plant bounds that replace `within`, e.g. { P02: 10m }'),
  })
  .describe('`to` must happen within `within` after `from`');
export type Deadline = z.infer<typeof DeadlineSchema>;

export const SloSchema = z.strictObject({
  onTimeTarget: z
    .number()
    .gt(0)
    .max(1)
    .default(0.99)
    .describe('Share of finished transactions that must complete on time, e.g. 0.995 (weekly report)'),
});
export type Slo = z.infer<typeof SloSchema>;

/** A hop between two systems; by default derived from consecutive steps whose systems differ. */
export const FlowHopSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  step: identifier.optional().describe('The step that arrives at `to`'),
});
export type FlowHop = z.infer<typeof FlowHopSchema>;

/** One business flow, as written in `flows/<id>.yaml`. */
export const FlowSchema = z
  .strictObject({
    id: identifier.describe('Flow id, as events carry it in `flow`'),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(4000).optional(),
    owner: z.string().trim().min(1).max(200).describe('The team that answers for this flow'),
    criticality: CriticalitySchema,
    key: identifier.describe(
      'The business key the flow correlates on: production_order, picking, lot, asn …',
    ),
    steps: z
      .array(FlowStepSchema)
      .min(1)
      .describe('Steps in their expected order; the first one starts a transaction'),
    deadlines: z.array(DeadlineSchema).default([]),
    slo: SloSchema.prefault({}),
    plants: z
      .array(z.string().min(1))
      .default([])
      .describe('Plants the flow runs in; empty means all plants'),
    hops: z
      .array(FlowHopSchema)
      .optional()
      .describe('System-to-system hops for the dependency map; derived from consecutive steps when omitted'),
  })
  .superRefine((flow, ctx) => {
    const ids = new Map<string, number>();
    flow.steps.forEach((s, i) => {
      if (ids.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
      ids.set(s.id, i);
    });
    const first = flow.steps[0];
    if (first?.optional)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', 0, 'optional'],
        message: 'the first step starts a transaction and cannot be optional',
      });
    if (first?.fanOut)
      ctx.addIssue({
        code: 'custom',
        path: ['steps', 0, 'fanOut'],
        message: 'the first step starts a transaction and cannot fan out',
      });
    flow.deadlines.forEach((d, i) => {
      if (!ids.has(d.from))
        ctx.addIssue({ code: 'custom', path: ['deadlines', i, 'from'], message: `unknown step "${d.from}"` });
      if (!ids.has(d.to))
        ctx.addIssue({ code: 'custom', path: ['deadlines', i, 'to'], message: `unknown step "${d.to}"` });
      if (d.from === d.to)
        ctx.addIssue({
          code: 'custom',
          path: ['deadlines', i, 'to'],
          message: 'a deadline needs two different steps',
        });
    });
  });
export type Flow = z.infer<typeof FlowSchema>;
export type FlowInput = z.input<typeof FlowSchema>;

/** The system-to-system hops of a flow: its explicit `hops`, or consecutive steps whose systems differ. */
export function flowHops(flow: Flow): FlowHop[] {
  if (flow.hops) return flow.hops;
  const hops: FlowHop[] = [];
  for (let i = 1; i < flow.steps.length; i++) {
    const prev = flow.steps[i - 1] as FlowStep;
    const step = flow.steps[i] as FlowStep;
    if (prev.system !== step.system) hops.push({ from: prev.system, to: step.system, step: step.id });
  }
  return hops;
}

/** The bound of a deadline for a plant: its per-plant override, else `within` (milliseconds). */
export function deadlineWithin(deadline: Deadline, plant: string | undefined): number {
  return (plant !== undefined ? deadline.plants?.[plant] : undefined) ?? deadline.within;
}
