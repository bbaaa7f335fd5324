import { dirname, join, resolve } from 'node:path';
import { createMailTransport, type MailTransport } from '@linewatch/alerting';
import { loadFlows } from '@linewatch/correlation';
import {
  createReportScheduler,
  deliverReport,
  definitionTimeZone,
  loadReportDefinitions,
  nextOccurrence,
  pruneReportFiles,
  reloadReportDefinitions,
  type LoadedReportDefinition,
} from '@linewatch/reports';
import { ConfigError } from '../errors.ts';
import { registerReportRoutes } from '../routes/reports.ts';
import type { ComponentFactory } from '../runtime.ts';
import { recordDefinitionReload } from '../access/audit.ts';

/** How often the worker looks for reports due (their cron resolution is a minute). */
const TICK_MS = 60_000;

/**
 * Weekly SLA reports in `linewatch start`. Definitions are `reports/*.yaml` beside the flows folder
 * (a bad file fails the start with every problem; re-read each tick, a file that turns bad keeps its
 * last good version). Worker role: produces what the schedules make due, catching up a run missed
 * while down once, and prunes files past the retention of `transactions`. Api role: the report routes.
 * Its schedule ticks every `tickMs` (default a minute; tests go faster).
 */
export const createReportsComponent =
  (options: { tickMs?: number } = {}): ComponentFactory =>
  (ctx) => {
    const api = ctx.router !== undefined;
    const work = ctx.config.roles.includes('worker');
    if (!api && !work) return undefined;
    const definitionsDir = resolve(
      ctx.config.paths.reports ?? join(dirname(resolve(ctx.config.paths.flows)), 'reports'),
    );
    const filesDir = join(resolve(ctx.config.store.dataDir), 'reports');
    const first = loadReportDefinitions(definitionsDir);
    if (first.problems.length) throw new ConfigError(first.problems);
    let current: { definitions: LoadedReportDefinition[]; problems: string[] } = first;
    const signature = (c: typeof current) =>
      JSON.stringify([c.definitions.map((d) => d.definition), c.problems]);
    const reload = () => {
      const before = current;
      current = reloadReportDefinitions(definitionsDir, current);
      if (current.problems.length)
        ctx.logger.warn({ problems: current.problems }, 'report definitions with problems');
      // The worker audits what changed (the api role only re-reads to answer).
      if (work && signature(before) !== signature(current)) {
        const change = {
          dir: definitionsDir,
          before: before.definitions.map((d) => d.definition.id),
          after: current.definitions.map((d) => d.definition.id),
          problems: current.problems,
          now: ctx.now(),
        };
        recordDefinitionReload(ctx.store, 'reports', change).catch((err: unknown) =>
          ctx.logger.warn({ err }, 'could not audit the report definitions reload'),
        );
      }
      return current;
    };
    const flowsDir = resolve(ctx.config.paths.flows);
    const flows = () => loadFlows(flowsDir).flows.map((l) => l.flow);
    const timeZoneOf = (plant: string) => ctx.config.plants[plant]?.timeZone ?? ctx.config.timeZone;
    const uiBaseUrl = ctx.config.publicUrl ?? `http://${ctx.config.server.host}:${ctx.config.server.port}`;
    ctx.logger.info({ dir: definitionsDir, reports: first.definitions.length }, 'report definitions loaded');

    if (api && ctx.router)
      registerReportRoutes(ctx.router, {
        store: ctx.store,
        dir: filesDir,
        // Without the worker's tick, the api role re-reads the folder when asked.
        definitions: () => (work ? current : reload()),
        flows,
        timeZoneOf,
        defaultTimeZone: ctx.config.timeZone,
        uiBaseUrl,
        now: ctx.now,
      });

    // Reports go out through alerting's SMTP relay (alerting.smtp), created when first needed.
    const smtp = ctx.config.alerting.smtp;
    let transport: MailTransport | undefined;
    const mail = () => (transport ??= smtp ? createMailTransport(smtp, ctx.secret) : undefined);
    const scheduler = createReportScheduler({
      store: ctx.store,
      dir: filesDir,
      definitions: () => current.definitions.map((d) => d.definition),
      flows,
      timeZoneOf,
      defaultTimeZone: ctx.config.timeZone,
      uiBaseUrl,
      logger: ctx.logger,
      onProduced: async (produced) => {
        const definition = current.definitions.find((d) => d.definition.id === produced.record.definition);
        if (!definition) return;
        const t = mail();
        await deliverReport({
          store: ctx.store,
          produced,
          definition: definition.definition,
          ...(t ? { transport: t } : {}),
          ...(smtp ? { from: smtp.from } : {}),
          apiBaseUrl: uiBaseUrl,
          backoff: {
            base: ctx.config.alerting.delivery.backoffBase,
            cap: ctx.config.alerting.delivery.backoffCap,
          },
          wait,
          now: ctx.now,
        });
      },
    });
    let timer: NodeJS.Timeout | undefined;
    // Retry waits end early on stop, so a stop never waits out a delivery backoff.
    let stopping = false;
    const pending = new Set<() => void>();
    const wait = (ms: number) =>
      stopping
        ? Promise.resolve()
        : new Promise<void>((done) => {
            const t = setTimeout(() => {
              pending.delete(finish);
              done();
            }, ms);
            const finish = () => {
              clearTimeout(t);
              done();
            };
            pending.add(finish);
          });
    let running: Promise<unknown> = Promise.resolve();
    const tick = () => {
      running = running
        .then(async () => {
          reload();
          const now = ctx.now();
          await scheduler.tick(now);
          pruneReportFiles(filesDir, ctx.config.retention.transactions, now);
        })
        .catch((err: unknown) => ctx.logger.error({ err }, 'report schedule tick failed'));
    };
    return {
      name: 'reports',
      start() {
        if (!work) return Promise.resolve();
        for (const { definition: d } of current.definitions)
          if (d.schedule.enabled) {
            const tz = d.schedule.timeZone ?? definitionTimeZone(d, timeZoneOf, ctx.config.timeZone);
            const next = nextOccurrence(d.schedule.cron, tz, ctx.now());
            ctx.logger.info(
              { report: d.id, next: next === null ? null : new Date(next).toISOString() },
              'report scheduled',
            );
          }
        // The first tick at start is the catch-up of a run missed while down.
        tick();
        timer = setInterval(tick, options.tickMs ?? TICK_MS);
        timer.unref();
        return Promise.resolve();
      },
      async stop() {
        if (timer) clearInterval(timer);
        stopping = true;
        for (const finish of pending) finish();
        await running;
        transport?.close();
      },
    };
  };

export const reportsComponent: ComponentFactory = createReportsComponent();
