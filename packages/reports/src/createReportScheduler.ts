import type { Flow, ReportDefinition } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { definitionTimeZone, produceReport, type ProducedReport } from './produceReport.ts';
import type { PdfOptions } from './renderPdf.ts';
import { dueRun } from './reportSchedule.ts';
import { lastScheduledRuns } from './reportStore.ts';

/** Where a scheduler logs (pino's shape). */
export interface ReportLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReportSchedulerOptions {
  store: Store;
  dir: string;
  /** The current definitions (hot reloaded by the caller). */
  definitions: () => readonly ReportDefinition[];
  flows: () => readonly Flow[];
  timeZoneOf: (plant: string) => string;
  defaultTimeZone: string;
  uiBaseUrl: string;
  pdf?: PdfOptions;
  catchUpMs?: number;
  logger: ReportLogger;
  /** Called with each produced scheduled report (delivery). */
  onProduced?: (produced: ProducedReport) => Promise<void>;
}

/** The worker's report schedule: each `tick(now)` produces what is due, catching up a missed run once. */
export interface ReportScheduler {
  tick(now: number): Promise<ProducedReport[]>;
}

/**
 * A scheduler over definitions whose schedules are evaluated by croner in each definition's time
 * zone; what was produced is read back from `reports`, so a restart neither repeats nor forgets a run.
 * @example const s = createReportScheduler({ store, dir, definitions: () => defs, flows: () => flows, ... }); await s.tick(Date.now())
 */
export function createReportScheduler(o: ReportSchedulerOptions): ReportScheduler {
  return {
    async tick(now) {
      const last = await lastScheduledRuns(o.store);
      const produced: ProducedReport[] = [];
      for (const d of o.definitions()) {
        if (!d.schedule.enabled) continue;
        const timeZone = definitionTimeZone(d, o.timeZoneOf, o.defaultTimeZone);
        const due = dueRun({
          cron: d.schedule.cron,
          cronTimeZone: d.schedule.timeZone ?? timeZone,
          reportTimeZone: timeZone,
          now,
          lastScheduledFor: last.get(d.id) ?? null,
          ...(o.catchUpMs !== undefined ? { catchUpMs: o.catchUpMs } : {}),
        });
        if (!due) continue;
        try {
          const p = await produceReport({
            store: o.store,
            dir: o.dir,
            definition: d,
            flows: o.flows(),
            week: due.week,
            timeZone,
            uiBaseUrl: o.uiBaseUrl,
            now,
            trigger: due.trigger,
            scheduledFor: due.scheduledFor,
            ...(o.pdf ? { pdf: o.pdf } : {}),
          });
          o.logger.info({ report: p.record.id, week: due.week, trigger: due.trigger }, 'report produced');
          produced.push(p);
          await o.onProduced?.(p);
        } catch (e) {
          // One broken definition must not hold back the others; the next tick tries it again.
          o.logger.error({ err: e, definition: d.id }, 'report failed');
        }
      }
      return produced;
    },
  };
}
