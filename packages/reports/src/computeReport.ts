import type { Flow } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { buildReport } from './buildReport.ts';
import { ReportError } from './errors.ts';
import { shiftWeek, weekWindow } from './isoWeek.ts';
import type { Report, ReportScope } from './model.ts';
import { queryReportData } from './queryReportData.ts';

/** What to report on. */
export interface ComputeReportOptions {
  /** `2026-W47`. */
  week: string;
  scope: ReportScope;
  /** The time zone the week is counted in (a plant scope: the plant's). */
  timeZone: string;
  /** Every defined flow; the scope picks its own. */
  flows: readonly Flow[];
  /** The caller's plants (empty: all). */
  plants?: readonly string[];
  /** Weeks of trend before the report's week (default 4). */
  trendWeeks?: number;
  uiBaseUrl: string;
  now: number;
  title?: string;
}

/** The flows a scope covers: an owner's flows; a plant's (flows limited to other plants excluded); or all. */
export function flowsInScope(flows: readonly Flow[], scope: ReportScope): Flow[] {
  if (scope.kind === 'owner') return flows.filter((f) => f.owner === scope.owner);
  if (scope.kind === 'plant')
    return flows.filter((f) => f.plants.length === 0 || f.plants.includes(scope.plant));
  return [...flows];
}

/** A human title for a scope and week, e.g. "Weekly SLA report, plant P01, 2026-W47". */
export function reportTitle(scope: ReportScope, week: string): string {
  const what =
    scope.kind === 'all'
      ? 'all plants'
      : scope.kind === 'plant'
        ? `plant ${scope.plant}`
        : `owner ${scope.owner}`;
  return `Weekly SLA report, ${what}, ${week}`;
}

/**
 * Reads and computes one weekly report.
 * @example const report = await computeReport(store, { week: '2026-W47', scope: { kind: 'plant', plant: 'P01' }, timeZone: 'Europe/Paris', flows, uiBaseUrl, now: Date.now() })
 */
export async function computeReport(store: Store, o: ComputeReportOptions): Promise<Report> {
  const window = weekWindow(o.week, o.timeZone);
  const flows = flowsInScope(o.flows, o.scope);
  if (o.scope.kind === 'owner' && flows.length === 0)
    throw new ReportError(`scope: no flow has the owner ${JSON.stringify(o.scope.owner)}`);
  const n = o.trendWeeks ?? 4;
  const trend = Array.from({ length: n + 1 }, (_, i) =>
    weekWindow(shiftWeek(o.week, n - i, o.timeZone), o.timeZone),
  );
  const data = await queryReportData(store, {
    window,
    scope: o.scope,
    flows: flows.map((f) => f.id),
    plants: o.plants ?? [],
    trend,
    asOf: o.now,
  });
  return buildReport(data, {
    title: o.title ?? reportTitle(o.scope, o.week),
    window,
    scope: o.scope,
    flows,
    trendWeeks: trend.map((w) => w.week),
    uiBaseUrl: o.uiBaseUrl,
    generatedAt: o.now,
  });
}
