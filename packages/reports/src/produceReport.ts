import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Flow, ReportDefinition, ReportFile, ReportFormat, ReportRecord } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { computeReport } from './computeReport.ts';
import type { Report, ReportScope } from './model.ts';
import { renderCsv, scopeText } from './renderCsv.ts';
import { renderHtml } from './renderHtml.ts';
import { renderPdf, type PdfEngine, type PdfOptions } from './renderPdf.ts';
import { saveReportRecord } from './reportStore.ts';

/** The Content-Type of each format's files. */
export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** The scope of a definition. */
export function definitionScope(d: ReportDefinition): ReportScope {
  if (d.scope.plant) return { kind: 'plant', plant: d.scope.plant };
  if (d.scope.owner) return { kind: 'owner', owner: d.scope.owner };
  return { kind: 'all' };
}

/** The time zone a definition counts weeks in: its own, else its plant's, else the default. */
export function definitionTimeZone(
  d: ReportDefinition,
  timeZoneOf: (plant: string) => string,
  fallback: string,
): string {
  return d.timeZone ?? (d.scope.plant ? timeZoneOf(d.scope.plant) : fallback);
}

export interface ProduceReportOptions {
  store: Store;
  /** Files go to `<dir>/<report id>/`. */
  dir: string;
  definition: ReportDefinition;
  flows: readonly Flow[];
  week: string;
  timeZone: string;
  uiBaseUrl: string;
  now: number;
  trigger: ReportRecord['trigger'];
  scheduledFor?: number | null;
  pdf?: PdfOptions;
}

/** A produced report: its record, its numbers and where its files are. */
export interface ProducedReport {
  record: ReportRecord;
  report: Report;
  dir: string;
}

/**
 * Computes a definition's report for a week, writes its files and records it in `reports`.
 * @example await produceReport({ store, dir: join(dataDir, 'reports'), definition, flows, week: '2026-W47', timeZone: 'Europe/Paris', uiBaseUrl, now: Date.now(), trigger: 'manual' })
 */
export async function produceReport(o: ProduceReportOptions): Promise<ProducedReport> {
  const d = o.definition;
  const report = await computeReport(o.store, {
    week: o.week,
    scope: definitionScope(d),
    timeZone: o.timeZone,
    flows: o.flows,
    uiBaseUrl: o.uiBaseUrl,
    now: o.now,
    title: `${d.name}, ${o.week}`,
  });
  const id = `${d.id}_${o.week}_${randomBytes(4).toString('hex')}`;
  const dir = join(o.dir, id);
  mkdirSync(dir, { recursive: true });
  const base = `${d.id}-${o.week}`;
  const outputs: { name: string; format: ReportFormat; bytes: Buffer }[] = [];
  if (d.formats.includes('csv'))
    for (const f of renderCsv(report))
      outputs.push({ name: `${base}-${f.name}`, format: 'csv', bytes: Buffer.from(f.content, 'utf8') });
  const html = renderHtml(report);
  if (d.formats.includes('html'))
    outputs.push({ name: `${base}.html`, format: 'html', bytes: Buffer.from(html) });
  let pdfEngine: PdfEngine | null = null;
  if (d.formats.includes('pdf')) {
    const pdf = await renderPdf(report, html, o.pdf);
    pdfEngine = pdf.engine;
    outputs.push({ name: `${base}.pdf`, format: 'pdf', bytes: pdf.bytes });
  }
  const files: ReportFile[] = outputs.map((f) => {
    writeFileSync(join(dir, f.name), f.bytes);
    return {
      name: f.name,
      format: f.format,
      contentType: CONTENT_TYPES[f.format],
      bytes: f.bytes.length,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
    };
  });
  const record: ReportRecord = {
    id,
    definition: d.id,
    name: d.name,
    week: o.week,
    scope: scopeText(report),
    plant: d.scope.plant ?? null,
    timeZone: o.timeZone,
    windowStart: new Date(report.window.start).toISOString(),
    windowEnd: new Date(report.window.end).toISOString(),
    trigger: o.trigger,
    scheduledFor:
      o.scheduledFor === undefined || o.scheduledFor === null ? null : new Date(o.scheduledFor).toISOString(),
    createdAt: new Date(o.now).toISOString(),
    pdfEngine,
    files,
    deliveries: [],
  };
  await saveReportRecord(o.store, record, o.now);
  return { record, report, dir };
}

/** Removes report directories older than the retention of `transactions` (days), as the table's TTL does. */
export function pruneReportFiles(dir: string, retentionDays: number, now: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const path = join(dir, n);
    const st = statSync(path);
    if (st.isDirectory() && now - st.mtimeMs > retentionDays * 86_400_000) {
      rmSync(path, { recursive: true, force: true });
      removed.push(n);
    }
  }
  return removed;
}
