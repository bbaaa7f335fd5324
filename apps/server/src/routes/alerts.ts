import {
  AckAlertBody,
  AlertDetailSchema,
  AlertListSchema,
  AlertParams,
  ListAlertsQuery,
  type Alert,
} from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { acknowledgeAlert, getAlert, listAlerts } from '@linewatch/alerting';
import { ApiError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import { parseBody, parseParams, parseQuery } from '../validate.ts';
import { plantFilter, principalOf } from '../access/principal.ts';
import { auditRequest } from '../access/auditRequest.ts';

/** What the alert routes read. */
export interface AlertRouteDeps {
  store: Store;
  now: () => number;
  /** Base URL of the UI for links (config.publicUrl, else the API's own address). */
  baseUrl: string;
}

/** An alert in Alertmanager's v2 `GettableAlert` shape, so existing tools can read Linewatch's alerts. */
function toAlertmanager(a: Alert) {
  return {
    labels: { alertname: a.rule, tier: a.tier, ...a.labels },
    annotations: { ...a.annotations, tierReason: a.tierReason },
    startsAt: a.firedAt ?? a.startsAt,
    endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
    updatedAt: a.firedAt ?? a.startsAt,
    generatorURL: a.link,
    fingerprint: a.id,
    receivers: [],
    status: {
      state: a.cause ? 'suppressed' : a.state === 'resolved' ? 'unprocessed' : 'active',
      silencedBy: a.silencedBy ? [a.silencedBy] : [],
      inhibitedBy: a.cause ? [a.cause.id] : [],
    },
  };
}

/** `GET /api/v1/alerts`, `GET /api/v1/alerts/:id` (read) and `POST /api/v1/alerts/:id/ack` (operate). */
export function registerAlertRoutes(router: ScopedRouter, deps: AlertRouteDeps): void {
  router.get(
    '/api/v1/alerts',
    'read',
    async (c) => {
      const q = parseQuery(c, ListAlertsQuery);
      const plants = plantFilter(c, q.plant);
      const list = await listAlerts(deps.store, { ...q, plants, baseUrl: deps.baseUrl });
      if (q.format === 'alertmanager') return c.json(list.items.map(toAlertmanager));
      return c.json(list);
    },
    {
      summary:
        'Alerts (default: open ones), with tier and its reason, cause and symptoms; format=alertmanager answers in Alertmanager’s v2 alert shape',
      tags: ['alerts'],
      query: ListAlertsQuery,
      response: AlertListSchema,
    },
  );

  router.get(
    '/api/v1/alerts/:id',
    'read',
    async (c) => {
      const { id } = parseParams(c, AlertParams);
      const alert = await getAlert(deps.store, id, plantFilter(c), deps.baseUrl);
      if (!alert) throw new ApiError(404, 'alert_not_found', `no alert "${id}"`);
      return c.json(alert);
    },
    {
      summary: 'One alert with its history',
      tags: ['alerts'],
      params: AlertParams,
      response: AlertDetailSchema,
    },
  );

  router.post(
    '/api/v1/alerts/:id/ack',
    'operate',
    async (c) => {
      const { id } = parseParams(c, AlertParams);
      const body = await parseBody(c, AckAlertBody);
      const now = deps.now();
      const ok = await acknowledgeAlert(deps.store, {
        id,
        by: principalOf(c).name,
        comment: body.comment,
        now,
        plants: plantFilter(c),
      });
      if (!ok) throw new ApiError(404, 'alert_not_found', `no alert "${id}"`);
      const alert = await getAlert(deps.store, id, plantFilter(c), deps.baseUrl);
      await auditRequest(c, deps.store, now, {
        action: 'alert.acknowledge',
        target: id,
        plant: alert?.labels?.plant,
        after: { comment: body.comment ?? '' },
      });
      return c.json(alert);
    },
    {
      summary: 'Acknowledge an alert (who and when are recorded; stops its escalation)',
      tags: ['alerts'],
      params: AlertParams,
      body: AckAlertBody,
      response: AlertDetailSchema,
    },
  );
}
