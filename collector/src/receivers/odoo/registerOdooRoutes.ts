import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { OdooSource } from '@linewatch/schema';
import type { Pipeline } from '../../pipeline/types.ts';
import { restrictionRefusal } from '../../otlp/types.ts';
import { requestRestriction } from '../ingestApp.ts';
import { countNothing, type CountIngest } from '../events/countIngest.ts';
import { readJsonBody } from '../events/readJsonBody.ts';
import { refusalResponse } from '../events/refusalResponse.ts';
import { toBusinessEventRow, toJsonLines } from '../events/toBusinessEventRow.ts';
import { mapOdooWebhook, OdooWebhookPayloadSchema } from './mapOdooWebhook.ts';

export interface OdooRoutesDeps {
  pipeline: Pipeline;
  /** config.collector.odoo.sources: the `<source>` of the URL names one. */
  sources: Readonly<Record<string, OdooSource>>;
  maxBodyBytes: number;
  logger?: Logger;
  now?: () => number;
  count?: CountIngest;
}

/**
 * Adds `POST /v1/odoo/webhook/:source`, the target of Odoo 17+ "Send Webhook Notification" actions.
 * A payload a mapping takes is stored as a business event (source `odoo`); one none takes is answered
 * 200 `{ accepted: 0, ignored: 1, reason }` and counted, so Odoo does not log a failure for it.
 * @example registerOdooRoutes(app, { pipeline, sources: config.collector.odoo.sources, maxBodyBytes: config.collector.maxBodyBytes })
 */
export function registerOdooRoutes(app: Hono, deps: OdooRoutesDeps): void {
  const now = deps.now ?? Date.now;
  const count = deps.count ?? countNothing;
  app.post('/v1/odoo/webhook/:source', async (c) => {
    const sourceName = c.req.param('source');
    const source = Object.hasOwn(deps.sources, sourceName) ? deps.sources[sourceName] : undefined;
    if (!source) {
      count('odoo', 'rejected', 1, 'unknown_source');
      return c.json(
        {
          error: {
            code: 'unknown_source',
            message: `no Odoo source "${sourceName}" in collector.odoo.sources`,
          },
        },
        404,
      );
    }
    const body = await readJsonBody(c.req.raw, deps.maxBodyBytes);
    if (!body.ok) {
      count('odoo', 'rejected', 1, body.code);
      return c.json({ error: { code: body.code, message: body.message } }, body.status);
    }
    const payload = OdooWebhookPayloadSchema.safeParse(body.value);
    if (!payload.success) {
      count('odoo', 'rejected', 1, 'malformed_webhook');
      return c.json(
        {
          error: {
            code: 'malformed_webhook',
            message:
              'expected the JSON object of an Odoo "Send Webhook Notification" action, with _model and _id',
          },
        },
        400,
      );
    }
    count('odoo', 'received', 1);
    const receivedAt = now();
    const mapped = mapOdooWebhook(payload.data, sourceName, source, receivedAt);
    if (mapped.kind === 'ignored') {
      count('odoo', 'ignored', 1, mapped.reason);
      if (mapped.reason === 'unmappable')
        deps.logger?.warn(
          { source: sourceName, model: payload.data._model, reason: mapped.message },
          'odoo webhook not mapped',
        );
      return c.json({ accepted: 0, ignored: 1, reason: mapped.reason, message: mapped.message }, 200);
    }
    const refusal = restrictionRefusal(requestRestriction(c), mapped.event.system, mapped.event.plant);
    if (refusal) {
      count('odoo', 'rejected', 1, 'forbidden_scope');
      return c.json({ error: { code: `forbidden_${refusal.field}`, message: refusal.message } }, 403);
    }
    const row = toBusinessEventRow(mapped.event, 'odoo', receivedAt);
    const result = await deps.pipeline.accept('business_events', toJsonLines([row]), 1);
    if (!result.ok) {
      deps.logger?.warn(
        { source: sourceName, reason: result.reason },
        'odoo webhook not accepted by the pipeline',
      );
      return refusalResponse(c, result);
    }
    count('odoo', 'accepted', 1);
    return c.json({ accepted: 1, ignored: 0, id: row.id }, 200);
  });
}
