import { z } from 'zod';
import { DurationSchema } from '../duration.ts';
import { CriticalitySchema } from '../flow.ts';

// HTTP shapes of flows (`/api/v1/flows`), flow health (`/api/v1/flow-health`), transactions
// (`/api/v1/transactions`), search (`/api/v1/search`) and unmatched events (`/api/v1/unmatched`).
// Times are RFC 3339 strings in UTC (millisecond precision unless the field says otherwise);
// durations are milliseconds.

const isoTime = z.string().describe('RFC 3339 time, UTC');

/**
 * A time range on the query string: `from`/`to` (RFC 3339), or `window` (a duration like "24h")
 * ending at `to` (default: now). `from` wins over `window`; with neither, the last 24 hours.
 */
const timeRangeFields = {
  from: isoTime.optional(),
  to: isoTime.optional(),
  window: DurationSchema.optional(),
};

/**
 * A transaction's status. `late`: completed, a deadline missed. `missing`: a deadline passed without
 * its `to` step. `failed`: a step failed or was dead-lettered and no later attempt succeeded.
 * `recovered`: failed or retried, then completed on time. `duplicate`: a non-repeating step recorded
 * more than once under different event ids.
 */
export const TransactionStatusSchema = z.enum([
  'in_progress',
  'completed',
  'late',
  'missing',
  'failed',
  'recovered',
  'duplicate',
]);
export type TransactionStatus = z.infer<typeof TransactionStatusSchema>;

/** Why events were not attributed to a transaction. */
export const UnmatchedReasonSchema = z.enum([
  'unknown_flow',
  'unknown_step',
  'no_flow',
  'ambiguous_flow',
  'no_start',
]);
export type UnmatchedReason = z.infer<typeof UnmatchedReasonSchema>;

/** The state of one step in a transaction's timeline. */
export const StepStateSchema = z.enum([
  'done',
  'late',
  'pending',
  'missing',
  'failed',
  'retrying',
  'duplicate',
  'skipped',
]);
export type StepState = z.infer<typeof StepStateSchema>;

// ---- flows ------------------------------------------------------------------------------------

/** A flow as the API lists it (durations in milliseconds). */
export const FlowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  owner: z.string(),
  criticality: CriticalitySchema,
  key: z.string(),
  steps: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      system: z.string(),
      optional: z.boolean(),
      repeat: z.boolean(),
      fanOut: z.object({ key: z.string(), countAttribute: z.string().nullable() }).nullable(),
    }),
  ),
  deadlines: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      withinMs: z.number().int().nonnegative(),
      plants: z.record(z.string(), z.number()),
    }),
  ),
  slo: z.object({ onTimeTarget: z.number() }),
  plants: z.array(z.string()),
  hops: z.array(z.object({ from: z.string(), to: z.string(), step: z.string().nullable() })),
  /** The file it was loaded from, relative to the flows directory. */
  file: z.string(),
});
export type FlowSummary = z.infer<typeof FlowSummarySchema>;

/** `GET /api/v1/flows` response: the loaded flows, and problems with files that failed to (re)load. */
export const FlowListSchema = z.object({
  flows: z.array(FlowSummarySchema),
  /** `flows/x.yaml: steps.2.within: …` lines; a file with problems keeps its last good definition. */
  problems: z.array(z.string()),
});
export type FlowList = z.infer<typeof FlowListSchema>;

/** `GET /api/v1/flows/:flow` path. */
export const FlowParams = z.object({ flow: z.string().min(1) });
export type FlowParams = z.infer<typeof FlowParams>;

// ---- flow health ------------------------------------------------------------------------------

/** `GET /api/v1/flow-health` query. */
export const FlowHealthQuery = z.object({
  ...timeRangeFields,
  flow: z.string().min(1).optional(),
  plant: z.string().min(1).optional(),
});
export type FlowHealthQuery = z.infer<typeof FlowHealthQuery>;

/** Figures of one flow (and plant) over transactions started in the range. */
export const FlowHealthRowSchema = z.object({
  flow: z.string(),
  /** A plant, or null on the per-flow total row. */
  plant: z.string().nullable(),
  name: z.string(),
  criticality: CriticalitySchema,
  volume: z.number().int().nonnegative(),
  inProgress: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  /** Completed within every deadline (completed + recovered). */
  onTime: z.number().int().nonnegative(),
  late: z.number().int().nonnegative(),
  missing: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  recovered: z.number().int().nonnegative(),
  duplicate: z.number().int().nonnegative(),
  /** onTime / finished (every status but in_progress); null when nothing finished. */
  onTimeRatio: z.number().min(0).max(1).nullable(),
  /** End-to-end time of completed transactions (first to last required step). */
  p50E2eMs: z.number().nonnegative().nullable(),
  p95E2eMs: z.number().nonnegative().nullable(),
  sloTarget: z.number(),
  /** onTimeRatio / sloTarget, capped at 1; null when nothing finished. */
  sloAttainment: z.number().min(0).max(1).nullable(),
  /** onTimeRatio ≥ sloTarget; null when nothing finished. */
  sloMet: z.boolean().nullable(),
});
export type FlowHealthRow = z.infer<typeof FlowHealthRowSchema>;

/** `GET /api/v1/flow-health` response: one total row per flow, and one row per flow and plant. */
export const FlowHealthSchema = z.object({
  from: isoTime,
  to: isoTime,
  flows: z.array(FlowHealthRowSchema),
  plants: z.array(FlowHealthRowSchema),
  dataLagMs: z
    .number()
    .int()
    .min(0)
    .describe(
      'How far behind real time the newest data is while a backlog is replayed; deadlines are judged that far back (0 when live)',
    ),
});
export type FlowHealth = z.infer<typeof FlowHealthSchema>;

// ---- transactions -----------------------------------------------------------------------------

/** Sort orders of the transaction list. */
export const TransactionSortSchema = z.enum(['started_at', 'updated_at', 'late_by', 'e2e']);
export type TransactionSort = z.infer<typeof TransactionSortSchema>;

const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1),
  );

/** `GET /api/v1/transactions` query. `status` takes a comma list; `key` matches the key or any linked key by prefix. */
export const ListTransactionsQuery = z.object({
  ...timeRangeFields,
  flow: z.string().min(1).optional(),
  plant: z.string().min(1).optional(),
  status: commaList(TransactionStatusSchema).optional(),
  key: z.string().min(1).max(512).optional(),
  sort: TransactionSortSchema.default('started_at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Opaque cursor from `nextCursor` of the previous page (same filters and sort). */
  cursor: z.string().max(2000).optional(),
});
export type ListTransactionsQuery = z.infer<typeof ListTransactionsQuery>;

/** One transaction: (flow, business key), its status and the reason for it. */
export const TransactionSummarySchema = z.object({
  flow: z.string(),
  key: z.string(),
  plant: z.string(),
  status: TransactionStatusSchema,
  /** One sentence a plant manager understands: "confirm_odoo 11m late (deadline 5m after mes_confirmed)". */
  reason: z.string(),
  startedAt: isoTime,
  /** When the last required step happened; null until complete. */
  completedAt: isoTime.nullable(),
  /** Start to completion. */
  e2eMs: z.number().nullable(),
  /** How far the worst deadline was missed (late or missing); null when none was. */
  lateByMs: z.number().nullable(),
  /** The next deadline still running, if any. */
  nextDeadlineAt: isoTime.nullable(),
  errorCategory: z.string().nullable(),
  /** The step that failed, was duplicated, is missing or late (the one the reason is about). */
  problemStep: z.string().nullable(),
  stepsDone: z.number().int().nonnegative(),
  stepsTotal: z.number().int().nonnegative(),
  /** Other business keys linked to this transaction (child keys, other systems' ids). */
  linkedKeys: z.array(z.string()),
  /** When the status was last derived. */
  updatedAt: isoTime,
});
export type TransactionSummary = z.infer<typeof TransactionSummarySchema>;

/** `GET /api/v1/transactions` response. */
export const TransactionListSchema = z.object({
  items: z.array(TransactionSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type TransactionList = z.infer<typeof TransactionListSchema>;

/** `GET /api/v1/transactions/:flow/:key` path (encode the key: `MO%2F00042`). */
export const TransactionParams = z.object({ flow: z.string().min(1), key: z.string().min(1).max(512) });
export type TransactionParams = z.infer<typeof TransactionParams>;

/** One step of a transaction's timeline: expected and actual times. */
export const StepTimelineSchema = z.object({
  step: z.string(),
  name: z.string(),
  system: z.string(),
  optional: z.boolean(),
  repeat: z.boolean(),
  fanOut: z.boolean(),
  state: StepStateSchema,
  /** First successful occurrence (for a fan-out step: when it became done). */
  actualAt: isoTime.nullable(),
  /** Last event of the step, any outcome. */
  lastAt: isoTime.nullable(),
  /** When the step is due by its deadline; null when no deadline leads to it or it has not started. */
  expectedBy: isoTime.nullable(),
  deadline: z.object({ from: z.string(), withinMs: z.number() }).nullable(),
  lateByMs: z.number().nullable(),
  /** Distinct successful events (repeat and fan-out steps may have many). */
  count: z.number().int().nonnegative(),
  /** Fan-out steps: children done and expected (null when the flow gives no count). */
  children: z
    .object({ done: z.number().int().nonnegative(), expected: z.number().int().nullable(), key: z.string() })
    .nullable(),
  errorCategory: z.string().nullable(),
  /** failed, dead_lettered or retried: the latest unsuccessful outcome. */
  lastFailure: z
    .object({ at: isoTime, outcome: z.string(), errorCategory: z.string().nullable() })
    .nullable(),
});
export type StepTimeline = z.infer<typeof StepTimelineSchema>;

/** A business event as stored. */
export const EventRowSchema = z.object({
  id: z.string(),
  /** Event time with the sender's precision (up to nanoseconds). */
  time: isoTime,
  flow: z.string(),
  step: z.string(),
  key: z.string(),
  keys: z.record(z.string(), z.string()),
  system: z.string(),
  plant: z.string(),
  outcome: z.string(),
  errorCategory: z.string().nullable(),
  errorMessage: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
  source: z.string(),
  receivedAt: isoTime,
});
export type EventRow = z.infer<typeof EventRowSchema>;

/** A span of a trace an event references, placed on a shared waterfall. */
export const SpanRowSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  service: z.string(),
  name: z.string(),
  kind: z.string(),
  startAt: isoTime,
  /** Start relative to the earliest span shown, milliseconds. */
  offsetMs: z.number(),
  durationMs: z.number().nonnegative(),
  statusCode: z.string(),
  statusMessage: z.string().nullable(),
  /** Depth in its trace (0 = root or parent not shown). */
  depth: z.number().int().nonnegative(),
});
export type SpanRow = z.infer<typeof SpanRowSchema>;

/** `GET /api/v1/transactions/:flow/:key` response. */
export const TransactionDetailSchema = z.object({
  transaction: TransactionSummarySchema,
  flow: z.object({
    id: z.string(),
    name: z.string(),
    owner: z.string(),
    criticality: CriticalitySchema,
    key: z.string(),
  }),
  steps: z.array(StepTimelineSchema),
  /** Events of the transaction by event time (at most 1000; `eventsTruncated` says when more exist). */
  events: z.array(EventRowSchema),
  eventsTruncated: z.boolean(),
  /** Failed, dead-lettered and retried events. */
  errors: z.array(EventRowSchema),
  traceIds: z.array(z.string()),
  /** Spans of every referenced trace (at most 2000). */
  spans: z.array(SpanRowSchema),
  spansTruncated: z.boolean(),
});
export type TransactionDetail = z.infer<typeof TransactionDetailSchema>;

// ---- unmatched --------------------------------------------------------------------------------

/** `GET /api/v1/unmatched` query. */
export const ListUnmatchedQuery = z.object({
  ...timeRangeFields,
  reason: UnmatchedReasonSchema.optional(),
  flow: z.string().min(1).optional(),
  plant: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(2000).optional(),
});
export type ListUnmatchedQuery = z.infer<typeof ListUnmatchedQuery>;

/** Events of one (flow as sent, key, step) that belong to no transaction, and why. */
export const UnmatchedGroupSchema = z.object({
  /** The flow the events named (empty when they named none). */
  flow: z.string(),
  key: z.string(),
  step: z.string(),
  system: z.string(),
  plant: z.string(),
  reason: UnmatchedReasonSchema,
  /** Details: which flows were candidates, which start step is awaited. */
  detail: z.string(),
  events: z.number().int().nonnegative(),
  firstAt: isoTime,
  lastAt: isoTime,
  sampleEventId: z.string(),
});
export type UnmatchedGroup = z.infer<typeof UnmatchedGroupSchema>;

/** `GET /api/v1/unmatched` response. */
export const UnmatchedListSchema = z.object({
  items: z.array(UnmatchedGroupSchema),
  nextCursor: z.string().nullable(),
});
export type UnmatchedList = z.infer<typeof UnmatchedListSchema>;

// ---- search -----------------------------------------------------------------------------------

/** `GET /api/v1/search?q=` query: a business key (or linked key), trace id or event id. */
export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(512),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchMatchSchema = z.enum(['key', 'linked_key', 'trace_id', 'event_id']);
export type SearchMatch = z.infer<typeof SearchMatchSchema>;

/** One hit: the transaction and what matched. */
export const SearchResultSchema = z.object({
  matchedBy: SearchMatchSchema,
  /** The value that matched (the key, trace id or event id). */
  matched: z.string(),
  transaction: TransactionSummarySchema,
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

/** `GET /api/v1/search` response; `unmatched` lists events that matched but belong to no transaction. */
export const SearchResponseSchema = z.object({
  query: z.string(),
  results: z.array(SearchResultSchema),
  unmatched: z.array(UnmatchedGroupSchema),
});
export type SearchResponse = z.infer<typeof SearchResponseSchema>;

// ---- reevaluate -------------------------------------------------------------------------------

/** `POST /api/v1/flows/:flow/reevaluate` body (operate scope): re-derive statuses of transactions in a range. */
export const ReevaluateBody = z.object({ from: isoTime, to: isoTime });
export type ReevaluateBody = z.infer<typeof ReevaluateBody>;

/** `POST /api/v1/flows/:flow/reevaluate` response. */
export const ReevaluateResultSchema = z.object({
  flow: z.string(),
  from: isoTime,
  to: isoTime,
  /** Transactions evaluated. */
  evaluated: z.number().int().nonnegative(),
  /** Transactions whose status, reason or figures changed. */
  changed: z.number().int().nonnegative(),
  ms: z.number().nonnegative(),
});
export type ReevaluateResult = z.infer<typeof ReevaluateResultSchema>;
