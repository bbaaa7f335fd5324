import { z } from 'zod';
import { DurationSchema } from '../duration.ts';

// HTTP shapes of the demo panel (`/api/v1/demo/scenarios`): the plant simulator's fault scenarios,
// switchable while it runs. docs/demo.md describes each scenario.

/** The fault scenarios of the plant simulator. */
export const DemoScenarioNameSchema = z.enum([
  'connector-outage',
  'slow-consumer',
  'poison-messages',
  'duplicate-deliveries',
  'expired-credential',
  'clock-skew',
  'master-data-error',
  'partner-latency',
]);
export type DemoScenarioName = z.infer<typeof DemoScenarioNameSchema>;

/** One scenario and whether it is on now. */
export const DemoScenarioSchema = z.object({
  name: DemoScenarioNameSchema,
  title: z.string(),
  /** What the user will see while it is on. */
  effect: z.string(),
  active: z.boolean(),
  /** The current or last window (RFC 3339); null when never switched on. */
  from: z.string().nullable(),
  /** null while on with no end. */
  to: z.string().nullable(),
  /** The plant it touches (null: every plant). */
  plant: z.string().nullable(),
  /** The system it touches. */
  system: z.string().nullable(),
});
export type DemoScenario = z.infer<typeof DemoScenarioSchema>;

/** `GET /api/v1/demo/scenarios` response. */
export const DemoStateSchema = z.object({
  /** False when the demo is off (`linewatch start` without `--demo`). */
  running: z.boolean(),
  /** The simulated clock (RFC 3339); null when not running. */
  simTime: z.string().nullable(),
  speed: z.number().nullable(),
  plants: z.array(z.string()),
  scenarios: z.array(DemoScenarioSchema),
  /** What the simulator sent so far. */
  sent: z.object({
    transactions: z.number().int().nonnegative(),
    spans: z.number().int().nonnegative(),
    events: z.number().int().nonnegative(),
    mqtt: z.number().int().nonnegative(),
    webhooks: z.number().int().nonnegative(),
    failures: z.number().int().nonnegative(),
  }),
});
export type DemoState = z.infer<typeof DemoStateSchema>;

/** `POST /api/v1/demo/scenarios` body: switch a scenario on (optionally for a while) or off. */
export const SetDemoScenarioBody = z.object({
  name: DemoScenarioNameSchema,
  active: z.boolean(),
  /** How long it stays on ("10m"); without it, until switched off. */
  duration: DurationSchema.optional(),
});
export type SetDemoScenarioBody = z.infer<typeof SetDemoScenarioBody>;
