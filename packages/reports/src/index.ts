// Weekly SLA reports: numbers from the transaction store, rendered as CSV, HTML and PDF.
export { buildReport, incidentsByTier, transactionUrl, type ReportContext } from './buildReport.ts';
export { computeReport, flowsInScope, reportTitle, type ComputeReportOptions } from './computeReport.ts';
export { ReportDefinitionError, ReportError } from './errors.ts';
export { lastCompleteWeek, shiftWeek, weekOf, weekWindow, type WeekWindow } from './isoWeek.ts';
export type {
  CategoryRow,
  FlowFigures,
  IncidentRow,
  Report,
  ReportData,
  ReportScope,
  StatusRow,
  TierIncidents,
  TrendRow,
  WorstRow,
  WorstTransaction,
} from './model.ts';
export { queryReportData, type ReportQuery } from './queryReportData.ts';
export { csvField, csvTable, renderCsv, scopeText, type CsvFile } from './renderCsv.ts';
export { escapeHtml, formatMs, formatPct, renderHtml, trendSvg } from './renderHtml.ts';
export {
  CHROMIUM_CANDIDATES,
  findChromium,
  launchChromium,
  pdfkitPdf,
  renderPdf,
  type PdfEngine,
  type PdfOptions,
} from './renderPdf.ts';
export {
  cronProblem,
  loadReportDefinitions,
  parseReportFile,
  reloadReportDefinitions,
  type LoadedReportDefinition,
  type ReportFileResult,
} from './loadReportDefinitions.ts';
export { reportJsonSchema, reportJsonSchemaText } from './reportJsonSchema.ts';
export {
  CONTENT_TYPES,
  definitionScope,
  definitionTimeZone,
  produceReport,
  pruneReportFiles,
  type ProduceReportOptions,
  type ProducedReport,
} from './produceReport.ts';
export { dueRun, nextOccurrence, ON_TIME_MS, type DueRun } from './reportSchedule.ts';
export {
  createReportScheduler,
  type ReportLogger,
  type ReportScheduler,
  type ReportSchedulerOptions,
} from './createReportScheduler.ts';
export {
  getReport,
  lastScheduledRuns,
  listReports,
  saveReportRecord,
  type ReportFilter,
} from './reportStore.ts';
export { deliverReport, reportMailText, type DeliveryOptions } from './deliverReport.ts';
