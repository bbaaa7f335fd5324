import type { ReportDelivery, ReportFile, ReportRecord } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The `reports` row of a record (times as ISO text, best_effort input). */
function toRow(r: ReportRecord, version: number): Record<string, unknown> {
  return {
    id: r.id,
    definition: r.definition,
    name: r.name,
    week: r.week,
    scope: r.scope,
    plant: r.plant ?? '',
    time_zone: r.timeZone,
    window_start: r.windowStart,
    window_end: r.windowEnd,
    trigger: r.trigger,
    scheduled_for: r.scheduledFor,
    created_at: r.createdAt,
    pdf_engine: r.pdfEngine ?? '',
    files: JSON.stringify(r.files),
    deliveries: JSON.stringify(r.deliveries),
    version,
  };
}

/** Records a produced report (or a new version of it: its deliveries). */
export async function saveReportRecord(store: Store, record: ReportRecord, version: number): Promise<void> {
  await store.insert('reports', [toRow(record, version)]);
}

const COLUMNS = sql`id AS report_id, CAST(definition, 'String') AS definition_id, name AS report_name,
  CAST(week, 'String') AS week_id, scope AS scope_text, CAST(plant, 'String') AS plant_id,
  CAST(time_zone, 'String') AS tz, toUnixTimestamp64Milli(window_start) AS start_ms,
  toUnixTimestamp64Milli(window_end) AS end_ms, CAST(trigger, 'String') AS trigger_kind,
  toUnixTimestamp64Milli(scheduled_for) AS scheduled_ms, toUnixTimestamp64Milli(created_at) AS created_ms,
  CAST(pdf_engine, 'String') AS engine, files AS files_json, deliveries AS deliveries_json`;

interface RecordRow {
  report_id: string;
  definition_id: string;
  report_name: string;
  week_id: string;
  scope_text: string;
  plant_id: string;
  tz: string;
  start_ms: number;
  end_ms: number;
  trigger_kind: string;
  scheduled_ms: number | null;
  created_ms: number;
  engine: string;
  files_json: string;
  deliveries_json: string;
}

function fromRow(r: RecordRow): ReportRecord {
  return {
    id: String(r.report_id),
    definition: String(r.definition_id),
    name: String(r.report_name),
    week: String(r.week_id),
    scope: String(r.scope_text),
    plant: r.plant_id || null,
    timeZone: String(r.tz),
    windowStart: iso(Number(r.start_ms)) as string,
    windowEnd: iso(Number(r.end_ms)) as string,
    trigger: String(r.trigger_kind) as ReportRecord['trigger'],
    scheduledFor:
      r.scheduled_ms === null || r.scheduled_ms === undefined ? null : iso(Number(r.scheduled_ms)),
    createdAt: iso(Number(r.created_ms)) as string,
    pdfEngine: r.engine ? (r.engine as ReportRecord['pdfEngine']) : null,
    files: JSON.parse(String(r.files_json)) as ReportFile[],
    deliveries: JSON.parse(String(r.deliveries_json)) as ReportDelivery[],
  };
}

/** Filters of the report list; `plants` restricts to plant-scoped reports of those plants. */
export interface ReportFilter {
  definition?: string;
  week?: string;
  plant?: string;
  plants: readonly string[];
  limit?: number;
}

function filters(f: ReportFilter): SqlQuery {
  const parts: SqlQuery[] = [sql`1`];
  if (f.definition !== undefined) parts.push(sql`definition = ${f.definition}`);
  if (f.week !== undefined) parts.push(sql`week = ${f.week}`);
  if (f.plant !== undefined) parts.push(sql`plant = ${f.plant}`);
  if (f.plants.length) parts.push(sql`plant IN ${sql.param([...f.plants], 'Array(String)')}`);
  return sql.join(parts, ' AND ');
}

/**
 * Produced reports, newest first.
 * @example await listReports(store, { plants: token.plants, definition: 'p01-weekly' })
 */
export async function listReports(store: Store, f: ReportFilter): Promise<ReportRecord[]> {
  const rows = await store.query<RecordRow>(sql`
    SELECT ${COLUMNS} FROM ${store.table('reports')} FINAL WHERE ${filters(f)}
    ORDER BY created_at DESC, id LIMIT ${sql.param(f.limit ?? 100, 'UInt32')}`);
  return rows.map(fromRow);
}

/** One produced report, if it exists and the caller's plants may see it. */
export async function getReport(
  store: Store,
  id: string,
  plants: readonly string[],
): Promise<ReportRecord | undefined> {
  const rows = await store.query<RecordRow>(sql`
    SELECT ${COLUMNS} FROM ${store.table('reports')} FINAL WHERE id = ${id} AND ${filters({ plants })}`);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** The latest cron occurrence each definition has a scheduled (or caught-up) report for. */
export async function lastScheduledRuns(store: Store): Promise<Map<string, number>> {
  const rows = await store.query<{ definition_id: string; last_ms: number }>(sql`
    SELECT CAST(definition, 'String') AS definition_id, max(toUnixTimestamp64Milli(scheduled_for)) AS last_ms
    FROM ${store.table('reports')} FINAL WHERE scheduled_for IS NOT NULL GROUP BY definition_id`);
  return new Map(rows.map((r) => [r.definition_id, Number(r.last_ms)]));
}
