import { z } from 'zod';
import {
  AlertParams,
  CreateSilenceBody,
  SilenceListSchema,
  SilenceSchema,
  type MaintenanceWindow,
  type Silence,
} from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import {
  createSilence,
  expireSilence,
  listSilences,
  nextWindowOccurrence,
  type StoredSilence,
} from '@linewatch/alerting';
import { ApiError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import { parseBody, parseParams } from '../validate.ts';
import { plantFilter, principalOf } from '../access/principal.ts';
import { auditRequest } from '../access/auditRequest.ts';

/** What the silence routes read. */
export interface SilenceRouteDeps {
  store: Store;
  now: () => number;
  /** The maintenance windows of alert-rules/routes.yaml as loaded now. */
  maintenanceWindows: () => readonly MaintenanceWindow[];
  timeZoneOf: (plant: string) => string;
}

const DAY = 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString();

function toSilence(s: StoredSilence, now: number): Silence {
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
    createdAt: iso(s.createdAt),
    active: s.startsAt <= now && now < s.endsAt,
  };
}

/** The plants a silence's equality matchers name. */
const silencedPlants = (body: CreateSilenceBody) =>
  body.matchers.filter((m) => m.label === 'plant' && m.op === '=').map((m) => m.value);

/**
 * `GET /api/v1/silences` (read), `POST /api/v1/silences` and `DELETE /api/v1/silences/:id` (operate).
 * A plant-restricted caller sees and changes only silences pinned to its plants (`plant = P01`).
 */
export function registerSilenceRoutes(router: ScopedRouter, deps: SilenceRouteDeps): void {
  router.get(
    '/api/v1/silences',
    'read',
    async (c) => {
      const plants = plantFilter(c);
      const now = deps.now();
      // Silences that ended within the last day stay listed, so a person sees what just expired.
      const silences = await listSilences(deps.store, { since: now - DAY, plants });
      const windows = deps
        .maintenanceWindows()
        .filter((w) => !plants.length || w.plants.some((p) => plants.includes(p)))
        .map((w) => {
          const shown = plants.length ? w.plants.filter((p) => plants.includes(p)) : w.plants;
          const timeZone = deps.timeZoneOf(shown[0] ?? '');
          const next = nextWindowOccurrence(w, timeZone, now);
          return {
            id: w.id,
            plants: shown,
            cron: w.cron,
            timeZone,
            nextStart: next ? iso(next.start) : null,
            nextEnd: next ? iso(next.end) : null,
            active: next !== undefined && next.start <= now && now < next.end,
            comment: w.comment ?? null,
          };
        });
      return c.json({ silences: silences.map((s) => toSilence(s, now)), maintenanceWindows: windows });
    },
    {
      summary: 'Silences (active, upcoming and ended in the last day) and the plants’ maintenance windows',
      tags: ['alerts'],
      response: SilenceListSchema,
    },
  );

  router.post(
    '/api/v1/silences',
    'operate',
    async (c) => {
      const body = await parseBody(c, CreateSilenceBody);
      const plants = plantFilter(c);
      if (plants.length) {
        const named = silencedPlants(body);
        if (!named.length)
          throw new ApiError(
            403,
            'forbidden_plant',
            `matchers: this token may silence only its plants (${plants.join(', ')}); add a matcher plant = <plant>`,
          );
        const foreign = named.find((p) => !plants.includes(p));
        if (foreign)
          throw new ApiError(403, 'forbidden_plant', `this token may not silence plant "${foreign}"`);
      }
      const now = deps.now();
      const startsAt = body.startsAt ? Date.parse(body.startsAt) : now;
      const endsAt = Date.parse(body.endsAt);
      if (endsAt <= now) throw new ApiError(400, 'invalid_request', 'endsAt: must be in the future');
      const silence = await createSilence(deps.store, {
        matchers: body.matchers,
        startsAt,
        endsAt,
        createdBy: principalOf(c).name,
        comment: body.comment,
        now,
      });
      await auditRequest(c, deps.store, now, {
        action: 'silence.create',
        target: silence.id,
        plant: silencedPlants(body).length === 1 ? silencedPlants(body)[0] : undefined,
        after: toSilence(silence, now),
      });
      return c.json(toSilence(silence, now), 201);
    },
    {
      summary: 'Create a silence: matching alerts are recorded but not notified until it ends',
      tags: ['alerts'],
      body: CreateSilenceBody,
      response: SilenceSchema,
    },
  );

  router.delete(
    '/api/v1/silences/:id',
    'operate',
    async (c) => {
      const { id } = parseParams(c, AlertParams);
      const now = deps.now();
      const expired = await expireSilence(deps.store, { id, now, plants: plantFilter(c) });
      if (!expired) throw new ApiError(404, 'silence_not_found', `no silence "${id}"`);
      await auditRequest(c, deps.store, now, {
        action: 'silence.expire',
        target: id,
        after: toSilence(expired, now),
      });
      return c.json(toSilence(expired, now));
    },
    {
      summary: 'Expire a silence now (it stays listed as ended)',
      tags: ['alerts'],
      params: z.object({ id: z.string().min(1).max(200) }),
      response: SilenceSchema,
    },
  );
}
