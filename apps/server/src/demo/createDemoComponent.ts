import { resolve } from 'node:path';
import { loadFlows } from '@linewatch/correlation';
import {
  createNetworkSink,
  createSimulator,
  demoTargets,
  toSimFlow,
  type Simulator,
} from '@linewatch/simulator';
import { ConfigError } from '../errors.ts';
import { registerDemoRoutes } from '../routes/demo.ts';
import type { Component, RuntimeContext } from '../runtime.ts';

/** How much history a live demo backfills at start, and how fast. */
const BACKFILL_MS = 60 * 60_000;
const BACKFILL_SPEED = 60;

/** A component that exposes the collector's listening addresses (the collector does). */
interface WithAddresses {
  name: string;
  addresses(): { otlpHttp: string | undefined };
}

function hasAddresses(c: unknown): c is WithAddresses {
  return (
    typeof c === 'object' && c !== null && typeof (c as { addresses?: unknown }).addresses === 'function'
  );
}

/**
 * The OTLP/HTTP base URL of this process's collector: its real address when the runtime lists the
 * collector component (port 0 in tests), else the configured host and port.
 */
function collectorUrl(ctx: RuntimeContext): string | undefined {
  const collector = ctx.components.find((c) => c.name === 'collector');
  const live = hasAddresses(collector) ? collector.addresses().otlpHttp : undefined;
  if (live) return live.startsWith('http') ? live : `http://${live}`;
  const { host, port } = ctx.config.collector.otlpHttp;
  if (port === 0) return undefined;
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/**
 * The demo: when `demo.enabled` (`linewatch start --demo`), runs the plant simulator against this
 * process's own receivers (OTLP/HTTP, the events API, Odoo webhooks and MQTT when the collector is
 * configured for them). A live demo backfills the last hour at ×60, then runs in real time; with
 * `demo.speed` above 1 it runs that much faster than the wall clock from now on. The demo panel's
 * routes are registered whenever the API runs, and say `running: false` without a demo.
 * @example defaultComponents() ends with createDemoComponent
 */
export function createDemoComponent(ctx: RuntimeContext): Component | undefined {
  let sim: Simulator | undefined;
  if (ctx.router) registerDemoRoutes(ctx.router, () => sim, { store: ctx.store, now: ctx.now });
  const { config, logger } = ctx;
  if (!config.demo.enabled) return undefined;
  if (!ctx.access.open)
    throw new ConfigError([
      'demo.enabled: the demo sends to its own receivers without a token, so it runs only without auth.tokens (a local trial); remove --demo or the tokens',
    ]);

  return {
    name: 'demo',
    async start() {
      const { flows, problems } = loadFlows(resolve(config.paths.flows));
      if (problems.length)
        logger.warn({ problems }, 'demo: some flow files have problems; simulating the others');
      if (!flows.length) throw new ConfigError([`demo: no flows in ${config.paths.flows} to simulate`]);
      const otlpUrl = collectorUrl(ctx);
      if (!otlpUrl)
        throw new ConfigError([
          'demo: the collector listens on port 0 and its address is unknown; set collector.otlpHttp.port',
        ]);
      const simFlows = flows.map((f) => toSimFlow(f.flow));
      const targets = demoTargets(config.collector, otlpUrl);
      const sink = await createNetworkSink({
        targets,
        flows: simFlows,
        seed: `demo${config.demo.seed}`,
        logger,
      });
      const live = config.demo.speed === 1;
      const now = ctx.now();
      sim = createSimulator({
        flows: simFlows,
        sink,
        seed: config.demo.seed,
        plants: config.demo.plants,
        speed: live ? BACKFILL_SPEED : config.demo.speed,
        start: live ? now - BACKFILL_MS : now,
        live,
        toleranceMs: config.correlation.clockSkew,
        realClock: ctx.now,
        odooWebhooks: targets.odooSource !== undefined,
        logger,
      });
      sim.start();
      logger.info(
        {
          otlp: otlpUrl,
          plants: sim.plants.map((p) => p.id),
          flows: simFlows.map((f) => f.id),
          odooWebhooks: targets.odooSource ?? null,
          mqtt: targets.mqtt?.url ?? null,
          backfill: live ? '1h at x60' : null,
        },
        'demo: plant simulator running',
      );
    },
    async stop() {
      const s = sim;
      sim = undefined;
      await s?.stop();
    },
  };
}
