import type { Flow } from '@linewatch/schema';
import type { WeekWindow } from './isoWeek.ts';
import type {
  CategoryRow,
  FlowFigures,
  IncidentRow,
  Report,
  ReportData,
  ReportScope,
  StatusRow,
  TierIncidents,
} from './model.ts';

/** What a report is about, besides its data. */
export interface ReportContext {
  title: string;
  window: WeekWindow;
  scope: ReportScope;
  /** The flows in scope, in the order they are shown. */
  flows: readonly Flow[];
  /** The trend's weeks, oldest first, ending with the report's week. */
  trendWeeks: readonly string[];
  /** Base URL of the web UI, for links to transaction timelines. */
  uiBaseUrl: string;
  generatedAt: number;
}

const TIERS = ['P1', 'P2', 'P3', 'P4'];
const DEFAULT_TARGET = 0.99;

/** The UI route of a transaction's timeline (apps/web App.tsx: /transactions/:flow/:key). */
export function transactionUrl(base: string, flow: string, key: string): string {
  return `${base.replace(/\/+$/, '')}/transactions/${encodeURIComponent(flow)}/${encodeURIComponent(key)}`;
}

function figures(
  r: StatusRow | undefined,
  flow: string,
  plant: string | null,
  def: Flow | undefined,
  categories: readonly CategoryRow[],
): FlowFigures {
  const volume = r?.volume ?? 0;
  const inProgress = r?.inProgress ?? 0;
  const completed = r?.completed ?? 0;
  const recovered = r?.recovered ?? 0;
  const onTime = completed + recovered;
  const finished = volume - inProgress;
  const target = def?.slo.onTimeTarget ?? DEFAULT_TARGET;
  const ratio = finished > 0 ? onTime / finished : null;
  const budget = (1 - target) * finished;
  const spent = finished - onTime;
  // A target of 1 leaves no budget: any miss makes `used` undefined (null), not Infinity (not JSON).
  const used = finished > 0 ? (budget > 0 ? spent / budget : spent > 0 ? null : 0) : null;
  return {
    flow,
    name: def?.name ?? flow,
    owner: def?.owner ?? '',
    plant,
    volume,
    inProgress,
    finished,
    onTime,
    completed,
    late: r?.late ?? 0,
    missing: r?.missing ?? 0,
    failed: r?.failed ?? 0,
    recovered,
    duplicate: r?.duplicate ?? 0,
    topErrorCategories: categories
      .filter((c) => c.flow === flow && c.plant === plant)
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category))
      .slice(0, 5)
      .map((c) => ({ category: c.category, count: c.count })),
    onTimeRatio: ratio,
    sloTarget: target,
    attainment: ratio === null ? null : Math.min(1, ratio / target),
    sloMet: ratio === null ? null : ratio >= target,
    errorBudget: budget,
    errorBudgetSpent: spent,
    errorBudgetUsed: used,
    errorBudgetRemaining: used === null ? null : 1 - used,
    p50E2eMs: r?.p50E2eMs ?? null,
    p95E2eMs: r?.p95E2eMs ?? null,
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Incidents by tier, most severe first; every tier is listed, with zeros when nothing fired. */
export function incidentsByTier(rows: readonly IncidentRow[]): TierIncidents[] {
  const tiers = [...new Set([...TIERS, ...rows.map((r) => r.tier)])];
  return tiers.map((tier) => {
    const of = rows.filter((r) => r.tier === tier);
    const acked = of.filter((r) => r.acknowledgedAt !== null);
    const resolved = of.filter((r) => r.resolvedAt !== null);
    return {
      tier,
      count: of.length,
      acknowledged: acked.length,
      resolved: resolved.length,
      meanTimeToDetectMs: mean(of.map((r) => Math.max(0, r.firedAt - r.startsAt))),
      meanTimeToAcknowledgeMs: mean(acked.map((r) => Math.max(0, (r.acknowledgedAt as number) - r.firedAt))),
      meanTimeToResolveMs: mean(resolved.map((r) => Math.max(0, (r.resolvedAt as number) - r.firedAt))),
    };
  });
}

/**
 * The report's numbers from the aggregates the query edge read: pure, so every figure can be
 * checked against hand-made data.
 * @example const report = buildReport(await queryReportData(store, q), context)
 */
export function buildReport(data: ReportData, ctx: ReportContext): Report {
  const defs = new Map(ctx.flows.map((f) => [f.id, f]));
  const totals = new Map(data.statuses.filter((r) => r.plant === null).map((r) => [r.flow, r]));
  // Flows in scope first, in definition order; then flows with data that are no longer defined.
  const flowIds = [...defs.keys(), ...[...totals.keys()].filter((f) => !defs.has(f)).sort()];
  const plants = data.statuses
    .filter((r) => r.plant !== null)
    .sort(
      (a, b) =>
        flowIds.indexOf(a.flow) - flowIds.indexOf(b.flow) || (a.plant ?? '').localeCompare(b.plant ?? ''),
    );
  const trendOf = new Map(data.trend.map((t) => [`${t.flow}|${t.week}`, t]));
  return {
    title: ctx.title,
    generatedAt: ctx.generatedAt,
    window: ctx.window,
    scope: ctx.scope,
    flows: flowIds.map((id) => figures(totals.get(id), id, null, defs.get(id), data.categories)),
    plants: plants.map((r) => figures(r, r.flow, r.plant, defs.get(r.flow), data.categories)),
    worst: [...data.worst]
      .sort((a, b) => b.overdueMs - a.overdueMs || a.flow.localeCompare(b.flow) || a.key.localeCompare(b.key))
      .slice(0, 10)
      .map((w) => ({ ...w, url: transactionUrl(ctx.uiBaseUrl, w.flow, w.key) })),
    trend: {
      weeks: [...ctx.trendWeeks],
      flows: flowIds.map((flow) => ({
        flow,
        name: defs.get(flow)?.name ?? flow,
        points: ctx.trendWeeks.map((week) => {
          const t = trendOf.get(`${flow}|${week}`);
          return {
            week,
            volume: t?.volume ?? 0,
            onTimeRatio: t && t.finished > 0 ? t.onTime / t.finished : null,
          };
        }),
      })),
    },
    incidents:
      data.incidents === null
        ? { available: false }
        : { available: true, tiers: incidentsByTier(data.incidents) },
  };
}
