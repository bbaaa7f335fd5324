import { FlowSchema, type Flow } from '@linewatch/schema';
import { buildReport } from '../buildReport.ts';
import { weekWindow } from '../isoWeek.ts';
import type { Report, ReportData } from '../model.ts';

/** A valid flow for report tests. */
export function makeReportFlow(
  id: string,
  o: { owner?: string; onTimeTarget?: number; name?: string } = {},
): Flow {
  return FlowSchema.parse({
    id,
    name: o.name ?? `Flow ${id}`,
    owner: o.owner ?? 'manufacturing-it',
    criticality: 'production',
    key: 'production_order',
    steps: [{ id: 'release', system: 'odoo' }],
    slo: { onTimeTarget: o.onTimeTarget ?? 0.99 },
  });
}

/** A small report whose texts try every injection: formulas, quotes, commas, newlines, markup. */
export function sampleReport(): Report {
  const t0 = weekWindow('2026-W47', 'Europe/Berlin').start;
  const data: ReportData = {
    statuses: [
      {
        flow: 'release',
        plant: null,
        volume: 100,
        inProgress: 0,
        completed: 90,
        late: 4,
        missing: 2,
        failed: 3,
        recovered: 1,
        duplicate: 0,
        p50E2eMs: 61_000,
        p95E2eMs: 3_720_000,
      },
      {
        flow: 'release',
        plant: 'P01',
        volume: 100,
        inProgress: 0,
        completed: 90,
        late: 4,
        missing: 2,
        failed: 3,
        recovered: 1,
        duplicate: 0,
        p50E2eMs: 61_000,
        p95E2eMs: 3_720_000,
      },
    ],
    categories: [{ flow: 'release', plant: null, category: 'mes_unreachable', count: 3 }],
    worst: [
      {
        flow: 'release',
        key: '=HYPERLINK("http://evil","x")',
        plant: 'P01',
        status: 'failed',
        reason: 'start failed: "quoted", with comma\nand a newline',
        startedAt: t0 + 3_600_000,
        overdueMs: 7_200_000,
        problemStep: 'start',
        errorCategory: 'mes_unreachable',
      },
      {
        flow: 'release',
        key: '<script>alert(1)</script>',
        plant: 'P01',
        status: 'missing',
        reason: '@SUM(A1) & <b>bold</b>',
        startedAt: t0 + 7_200_000,
        overdueMs: 60_000,
        problemStep: 'post',
        errorCategory: '',
      },
    ],
    trend: [
      { week: '2026-W46', flow: 'release', volume: 80, onTime: 78, finished: 80 },
      { week: '2026-W47', flow: 'release', volume: 100, onTime: 91, finished: 100 },
    ],
    incidents: [],
  };
  return buildReport(data, {
    title: 'Weekly SLA report, plant P01, 2026-W47',
    window: weekWindow('2026-W47', 'Europe/Berlin'),
    scope: { kind: 'plant', plant: 'P01' },
    flows: [makeReportFlow('release', { name: 'Order release <Odoo → MES>' })],
    trendWeeks: ['2026-W46', '2026-W47'],
    uiBaseUrl: 'https://lw.example',
    generatedAt: Date.parse('2026-11-23T05:00:00Z'),
  });
}
