import { DemoStateSchema, DemoScenarioSchema, SetDemoScenarioBody, type DemoState } from '@linewatch/schema';
import type { Simulator } from '@linewatch/simulator';
import { ApiError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import { parseBody } from '../validate.ts';
import type { Store } from '@linewatch/store';
import { auditRequest } from '../access/auditRequest.ts';

/** The demo's state for the panel, or the "not running" answer. */
export function demoState(sim: Simulator | undefined): DemoState {
  if (!sim)
    return {
      running: false,
      simTime: null,
      speed: null,
      plants: [],
      scenarios: [],
      sent: { transactions: 0, spans: 0, events: 0, mqtt: 0, webhooks: 0, failures: 0 },
    };
  const s = sim.stats();
  return {
    running: true,
    simTime: s.simTime,
    speed: s.speed,
    plants: sim.plants.map((p) => p.id),
    scenarios: sim.scenarios(),
    sent: {
      transactions: s.transactionsFinished,
      spans: s.spans,
      events: s.events,
      mqtt: s.mqtt,
      webhooks: s.webhooks,
      failures: s.failures,
    },
  };
}

/**
 * `GET /api/v1/demo/scenarios` (read: the demo's state and its scenarios) and
 * `POST /api/v1/demo/scenarios` (operate: switch a scenario on or off). Without a running demo the
 * GET answers `running: false` and the POST 409 `demo_not_running`.
 */
export function registerDemoRoutes(
  router: ScopedRouter,
  simulator: () => Simulator | undefined,
  audit?: { store: Store; now: () => number },
): void {
  router.get('/api/v1/demo/scenarios', 'read', (c) => c.json(demoState(simulator())), {
    summary: 'The plant simulator (demo) and its fault scenarios',
    tags: ['demo'],
    response: DemoStateSchema,
  });
  router.post(
    '/api/v1/demo/scenarios',
    'operate',
    async (c) => {
      const body = await parseBody(c, SetDemoScenarioBody);
      const sim = simulator();
      if (!sim)
        throw new ApiError(409, 'demo_not_running', 'the demo is not running: start Linewatch with --demo');
      const scenario = sim.setScenario(body.name, body.active, body.duration);
      if (audit)
        await auditRequest(c, audit.store, audit.now(), {
          action: 'demo.scenario',
          target: body.name,
          after: { active: body.active, ...(body.duration ? { duration: body.duration } : {}) },
        });
      return c.json(scenario);
    },
    {
      summary: 'Switch a demo fault scenario on (optionally for a duration) or off',
      tags: ['demo'],
      body: SetDemoScenarioBody,
      response: DemoScenarioSchema,
    },
  );
}
