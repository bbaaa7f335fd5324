import type { FlowFigures, Report } from './model.ts';

/** A cell: text (from outside, so neutralised), a number, or empty. */
type Cell = string | number | null;

/** One CSV file of a report. */
export interface CsvFile {
  name: string;
  content: string;
}

// OWASP CSV injection: a spreadsheet evaluates a cell starting with = + - @ (or tab / CR) as a
// formula. Text cells get a leading apostrophe; numbers are written as numbers and never touched.
const FORMULA = /^[=+\-@\t\r]/;

/** One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; text neutralised against formulas. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: header row, CRLF line ends (RFC 4180). */
export function csvTable(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

const pct = (ratio: number | null) => (ratio === null ? null : Math.round(ratio * 1e6) / 1e4);
const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);

function flowRow(f: FlowFigures): Cell[] {
  return [
    f.flow,
    f.name,
    f.owner,
    f.plant ?? 'all',
    f.volume,
    f.inProgress,
    f.finished,
    f.onTime,
    f.completed,
    f.late,
    f.missing,
    f.failed,
    f.recovered,
    f.duplicate,
    pct(f.onTimeRatio),
    pct(f.sloTarget),
    pct(f.attainment),
    Math.round(f.errorBudget * 100) / 100,
    f.errorBudgetSpent,
    pct(f.errorBudgetUsed),
    pct(f.errorBudgetRemaining),
    f.p50E2eMs,
    f.p95E2eMs,
  ];
}

/**
 * The report as one CSV file per table: flows, error categories, worst transactions, trend, incidents.
 * @example for (const f of renderCsv(report)) writeFileSync(join(dir, f.name), f.content)
 */
export function renderCsv(report: Report): CsvFile[] {
  const flows = csvTable(
    [
      'flow',
      'flow_name',
      'owner',
      'plant',
      'volume_transactions',
      'in_progress_transactions',
      'finished_transactions',
      'on_time_transactions',
      'completed_transactions',
      'late_transactions',
      'missing_transactions',
      'failed_transactions',
      'recovered_transactions',
      'duplicate_transactions',
      'on_time_pct',
      'slo_target_pct',
      'slo_attainment_pct',
      'error_budget_transactions',
      'error_budget_spent_transactions',
      'error_budget_used_pct',
      'error_budget_remaining_pct',
      'p50_e2e_ms',
      'p95_e2e_ms',
    ],
    [...report.flows, ...report.plants].map(flowRow),
  );
  const categories = csvTable(
    ['flow', 'plant', 'rank', 'error_category', 'failed_transactions'],
    [...report.flows, ...report.plants].flatMap((f) =>
      f.topErrorCategories.map((c, i) => [f.flow, f.plant ?? 'all', i + 1, c.category, c.count]),
    ),
  );
  const worst = csvTable(
    [
      'rank',
      'flow',
      'plant',
      'business_key',
      'status',
      'started_at',
      'overdue_s',
      'problem_step',
      'error_category',
      'reason',
      'timeline_url',
    ],
    report.worst.map((w, i) => [
      i + 1,
      w.flow,
      w.plant,
      w.key,
      w.status,
      iso(w.startedAt),
      seconds(w.overdueMs),
      w.problemStep,
      w.errorCategory,
      w.reason,
      w.url,
    ]),
  );
  const trend = csvTable(
    ['week', 'flow', 'volume_transactions', 'on_time_pct'],
    report.trend.flows.flatMap((f) => f.points.map((p) => [p.week, f.flow, p.volume, pct(p.onTimeRatio)])),
  );
  const incidents = csvTable(
    [
      'tier',
      'incidents',
      'acknowledged',
      'resolved',
      'mean_time_to_detect_s',
      'mean_time_to_acknowledge_s',
      'mean_time_to_resolve_s',
    ],
    report.incidents.available
      ? report.incidents.tiers.map((t) => [
          t.tier,
          t.count,
          t.acknowledged,
          t.resolved,
          seconds(t.meanTimeToDetectMs),
          seconds(t.meanTimeToAcknowledgeMs),
          seconds(t.meanTimeToResolveMs),
        ])
      : [],
  );
  const summary = csvTable(
    ['title', 'week', 'time_zone', 'week_start', 'week_end', 'hours', 'scope', 'generated_at'],
    [
      [
        report.title,
        report.window.week,
        report.window.timeZone,
        iso(report.window.start),
        iso(report.window.end),
        report.window.hours,
        scopeText(report),
        iso(report.generatedAt),
      ],
    ],
  );
  return [
    { name: 'summary.csv', content: summary },
    { name: 'flows.csv', content: flows },
    { name: 'error_categories.csv', content: categories },
    { name: 'worst_transactions.csv', content: worst },
    { name: 'trend.csv', content: trend },
    { name: 'incidents.csv', content: incidents },
  ];
}

/** `all`, `plant:P01` or `owner:manufacturing-it`. */
export function scopeText(report: Pick<Report, 'scope'>): string {
  const s = report.scope;
  return s.kind === 'all' ? 'all' : s.kind === 'plant' ? `plant:${s.plant}` : `owner:${s.owner}`;
}
