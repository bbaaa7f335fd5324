import { BusinessEventSchema, type BusinessEvent } from '@linewatch/schema';
import type { z } from 'zod';
import { restrictionRefusal, type IngestRestriction } from '../../otlp/types.ts';

/** Why one item of a batch was not stored (or, for warnings, stored with a remark). */
export interface ItemIssue {
  index: number;
  /** Dotted path of the offending field inside the item (`time`, `keys.work_order`); empty for the item itself. */
  field: string;
  message: string;
}

/** The outcome of validating a batch: the events to store and what was wrong with the rest. */
export interface ValidatedBatch {
  /** Valid events, in request order, each with its index in the request. */
  events: { index: number; event: BusinessEvent }[];
  rejected: ItemIssue[];
  /** Stored anyway: flows no flow definition names (the correlation engine lists them as unmatched). */
  warnings: ItemIssue[];
}

// DateTime64(9), the column type of business_events.time, covers 1900-01-01 … 2262-04-11.
const MIN_TIME = Date.UTC(1900, 0, 1);
const MAX_TIME = Date.UTC(2262, 3, 11);
/** At most this many issues are listed per answer, so a bad batch of 100k items gets a bounded reply. */
export const MAX_LISTED_ISSUES = 1000;

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

/**
 * Validates each item of a batch against the canonical event schema: valid items are kept even when
 * others fail, duplicate ids inside the batch keep the first and reject the rest, and an event of a
 * system or plant the sender's credential may not report for (`restriction`) is rejected.
 * @example validateEventBatch([{ id: 'e1', time: '2026-11-27T08:15:00Z', step: 'odoo_done', key: 'MO/00042', system: 'odoo', plant: 'P1' }])
 */
export function validateEventBatch(
  items: readonly unknown[],
  knownFlows?: ReadonlySet<string>,
  restriction?: IngestRestriction,
): ValidatedBatch {
  const events: ValidatedBatch['events'] = [];
  const rejected: ItemIssue[] = [];
  const warnings: ItemIssue[] = [];
  const firstIndexOfId = new Map<string, number>();
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      rejected.push({ index, field: '', message: 'expected an event object' });
      return;
    }
    const parsed = BusinessEventSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        rejected.push({ index, field: pathOf(issue), message: issue.message });
      return;
    }
    const event = parsed.data;
    const refusal = restrictionRefusal(restriction, event.system, event.plant);
    if (refusal) {
      rejected.push({ index, field: refusal.field, message: refusal.message });
      return;
    }
    const t = Date.parse(event.time);
    if (t < MIN_TIME || t >= MAX_TIME) {
      rejected.push({ index, field: 'time', message: 'outside the storable range 1900-01-01 … 2262-04-10' });
      return;
    }
    const first = firstIndexOfId.get(event.id);
    if (first !== undefined) {
      rejected.push({
        index,
        field: 'id',
        message: `duplicate id in this request (first at index ${first}); the first is kept`,
      });
      return;
    }
    firstIndexOfId.set(event.id, index);
    if (knownFlows && event.flow !== undefined && !knownFlows.has(event.flow))
      warnings.push({
        index,
        field: 'flow',
        message: `unknown flow "${event.flow}": stored, and shown as unmatched until a flow definition names it`,
      });
    events.push({ index, event });
  });
  return { events, rejected, warnings };
}

/** Caps a list of issues for an answer body. */
export function listIssues(issues: readonly ItemIssue[]): ItemIssue[] {
  return issues.length > MAX_LISTED_ISSUES ? issues.slice(0, MAX_LISTED_ISSUES) : [...issues];
}

/** Number of distinct items with at least one issue. */
export function countItems(issues: readonly ItemIssue[]): number {
  return new Set(issues.map((i) => i.index)).size;
}
