import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { EventBatchBodySchema } from '@linewatch/schema';
import type { Pipeline } from '../../pipeline/types.ts';
import { requestRestriction } from '../ingestApp.ts';
import { countNothing, type CountIngest } from './countIngest.ts';
import { readJsonBody } from './readJsonBody.ts';
import { refusalResponse } from './refusalResponse.ts';
import { toBusinessEventRow, toJsonLines } from './toBusinessEventRow.ts';
import { countItems, listIssues, validateEventBatch } from './validateEventBatch.ts';

export interface EventRoutesDeps {
  pipeline: Pipeline;
  /** Largest accepted body after decompression (config.collector.maxBodyBytes). */
  maxBodyBytes: number;
  logger?: Logger;
  now?: () => number;
  /** Names of the defined flows; events naming another flow are stored with a warning. */
  knownFlows?: () => ReadonlySet<string>;
  count?: CountIngest;
}

/**
 * Adds `POST /v1/events` (a batch of canonical business events) to the ingest app.
 * Answers 200 `{ accepted, rejected: [{ index, field, message }], warnings }` when at least one item
 * is valid or the batch is empty, 400 when none is, and stores the valid items in both cases.
 * @example registerEventRoutes(createIngestApp(verify), { pipeline, maxBodyBytes: config.collector.maxBodyBytes })
 */
export function registerEventRoutes(app: Hono, deps: EventRoutesDeps): void {
  const now = deps.now ?? Date.now;
  const count = deps.count ?? countNothing;
  app.post('/v1/events', async (c) => {
    const body = await readJsonBody(c.req.raw, deps.maxBodyBytes);
    if (!body.ok) {
      count('events', 'rejected', 1, body.code);
      return c.json({ error: { code: body.code, message: body.message } }, body.status);
    }
    const batch = EventBatchBodySchema.safeParse(body.value);
    if (!batch.success) {
      count('events', 'rejected', 1, 'malformed_batch');
      return c.json(
        {
          error: {
            code: 'malformed_batch',
            message: 'expected a JSON array of events or an object { "events": [...] }',
          },
        },
        400,
      );
    }
    const items = Array.isArray(batch.data) ? batch.data : batch.data.events;
    const { events, rejected, warnings } = validateEventBatch(
      items,
      deps.knownFlows?.(),
      requestRestriction(c),
    );
    count('events', 'received', items.length);
    const rejectedItems = countItems(rejected);
    if (rejectedItems > 0) count('events', 'rejected', rejectedItems, 'invalid_event');
    if (events.length === 0 && items.length > 0)
      return c.json(
        {
          error: { code: 'invalid_events', message: `none of the ${items.length} events is valid` },
          accepted: 0,
          rejected: listIssues(rejected),
        },
        400,
      );
    if (events.length > 0) {
      const receivedAt = now();
      const lines = toJsonLines(events.map(({ event }) => toBusinessEventRow(event, 'api', receivedAt)));
      const result = await deps.pipeline.accept('business_events', lines, events.length);
      if (!result.ok) {
        deps.logger?.warn(
          { reason: result.reason, events: events.length },
          'events not accepted by the pipeline',
        );
        return refusalResponse(c, result);
      }
      count('events', 'accepted', events.length);
    }
    return c.json(
      { accepted: events.length, rejected: listIssues(rejected), warnings: listIssues(warnings) },
      200,
    );
  });
}
