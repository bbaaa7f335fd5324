import { z } from 'zod';

/** What happened at a step, as the emitting system saw it. */
export const OutcomeSchema = z.enum(['ok', 'failed', 'retried', 'dead_lettered']);
export type Outcome = z.infer<typeof OutcomeSchema>;

/** Where a business event entered Linewatch. */
export const EventSourceSchema = z.enum(['api', 'span', 'log', 'odoo', 'mqtt']);
export type EventSource = z.infer<typeof EventSourceSchema>;

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`).max(512);

/** RFC 3339 timestamp with a timezone offset (Z or ±hh:mm), any sub-second precision. */
export const Rfc3339Schema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/,
    // abort: a text that is not RFC 3339 gets this one message, not also "not a valid calendar time".
    { message: 'expected an RFC 3339 time with a timezone, like 2026-11-27T08:15:00Z', abort: true },
  )
  .refine(isStorableTime, 'not a valid calendar time between 1900 and 2261');

/**
 * A real date and time of day that the store can hold (DateTime64 covers 1900 to 2262). Date.parse
 * alone is not enough: it turns 2026-02-30 into 2 March, which the store refuses (found by fuzzing).
 */
function isStorableTime(s: string): boolean {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offH = 0, offM = 0] = m
    .slice(1)
    .map((x) => (x === undefined ? 0 : Number(x)));
  if (year < 1900 || year > 2261 || month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59 && offH <= 23 && offM <= 59
  );
}

/**
 * A canonical business event as a connector sends it to `POST /v1/events`:
 * one step of one business transaction, identified by its business key.
 */
export const BusinessEventSchema = z.object({
  id: nonEmpty('id'),
  time: Rfc3339Schema,
  flow: nonEmpty('flow').optional(),
  step: nonEmpty('step'),
  key: nonEmpty('key'),
  keys: z.record(z.string().min(1).max(128), z.string().min(1).max(512)).optional(),
  system: nonEmpty('system'),
  plant: nonEmpty('plant'),
  outcome: OutcomeSchema.default('ok'),
  error_category: z.string().max(128).optional(),
  error_message: z.string().max(8192).optional(),
  attributes: z.record(z.string().max(256), z.string().max(8192)).optional(),
  trace_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters')
    .optional(),
  span_id: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex characters')
    .optional(),
});
export type BusinessEvent = z.infer<typeof BusinessEventSchema>;
/** What a sender may send (before defaults are applied). */
export type BusinessEventInput = z.input<typeof BusinessEventSchema>;

/** The body of `POST /v1/events`: a batch of events, or `{ events: [...] }`. */
export const EventBatchBodySchema = z.union([
  z.array(z.unknown()),
  z.object({ events: z.array(z.unknown()) }),
]);
