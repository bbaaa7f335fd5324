import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ListReportsQuery,
  ReportDefinitionListSchema,
  ReportFileParams,
  ReportListSchema,
  ReportParams,
  ReportRecordSchema,
  RunReportBody,
  type Flow,
} from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import {
  definitionTimeZone,
  getReport,
  lastCompleteWeek,
  listReports,
  produceReport,
  ReportError,
  type LoadedReportDefinition,
  type PdfOptions,
} from '@linewatch/reports';
import { ApiError } from '../errors.ts';
import type { ScopedRouter } from '../router.ts';
import { parseBody, parseParams, parseQuery } from '../validate.ts';
import { plantFilter } from '../access/principal.ts';
import { auditRequest } from '../access/auditRequest.ts';

/** What the report routes use. */
export interface ReportRouteDeps {
  store: Store;
  /** Where report files are kept (`<data dir>/reports`). */
  dir: string;
  definitions: () => { definitions: readonly LoadedReportDefinition[]; problems: readonly string[] };
  flows: () => readonly Flow[];
  timeZoneOf: (plant: string) => string;
  defaultTimeZone: string;
  uiBaseUrl: string;
  now: () => number;
  pdf?: PdfOptions;
}

/** A plant-restricted caller sees only definitions scoped to one of its plants. */
const visible = (plants: readonly string[], plant: string | undefined) =>
  plants.length === 0 || (plant !== undefined && plants.includes(plant));

/**
 * `GET /api/v1/reports`, `GET /api/v1/reports/:id`, `GET /api/v1/reports/:id/files/:name` and
 * `GET /api/v1/report-definitions` (read); `POST /api/v1/reports/run` (operate).
 */
export function registerReportRoutes(router: ScopedRouter, deps: ReportRouteDeps): void {
  router.get(
    '/api/v1/reports',
    'read',
    async (c) => {
      const q = parseQuery(c, ListReportsQuery);
      const plants = plantFilter(c, q.plant);
      return c.json({ items: await listReports(deps.store, { ...q, plants }) });
    },
    {
      summary: 'Produced reports, newest first (plant-restricted tokens: their plants’ reports only)',
      tags: ['reports'],
      query: ListReportsQuery,
      response: ReportListSchema,
    },
  );

  router.get(
    '/api/v1/reports/:id',
    'read',
    async (c) => {
      const { id } = parseParams(c, ReportParams);
      const report = await getReport(deps.store, id, plantFilter(c));
      if (!report) throw new ApiError(404, 'report_not_found', `no report "${id}"`);
      return c.json(report);
    },
    {
      summary: 'One produced report: files, sizes, checksums',
      tags: ['reports'],
      params: ReportParams,
      response: ReportRecordSchema,
    },
  );

  router.get(
    '/api/v1/reports/:id/files/:name',
    'read',
    async (c) => {
      const { id, name } = parseParams(c, ReportFileParams);
      const report = await getReport(deps.store, id, plantFilter(c));
      if (!report) throw new ApiError(404, 'report_not_found', `no report "${id}"`);
      // Only names the record lists: a name is never a path.
      const file = report.files.find((f) => f.name === name);
      if (!file) throw new ApiError(404, 'report_file_not_found', `report "${id}" has no file "${name}"`);
      let bytes: Buffer;
      try {
        bytes = await readFile(join(deps.dir, report.id, file.name));
      } catch (e) {
        throw new ApiError(
          410,
          'report_file_gone',
          `the file "${name}" of report "${id}" is no longer kept`,
          {
            cause: e,
          },
        );
      }
      const inline = c.req.query('disposition') === 'inline';
      return c.body(new Uint8Array(bytes), 200, {
        'Content-Type': file.contentType,
        'Content-Length': String(bytes.length),
        'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename="${file.name}"`,
        'X-Content-Type-Options': 'nosniff',
        // The HTML is self-contained: a preview runs no script and loads nothing.
        ...(file.format === 'html'
          ? { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" }
          : {}),
      });
    },
    {
      summary: 'Download a file of a report (?disposition=inline to preview the HTML)',
      tags: ['reports'],
      params: ReportFileParams,
    },
  );

  router.get(
    '/api/v1/report-definitions',
    'read',
    (c) => {
      const plants = plantFilter(c);
      const { definitions, problems } = deps.definitions();
      return c.json({
        items: definitions
          .filter((d) => visible(plants, d.definition.scope.plant))
          .map((d) => ({ file: d.file, definition: d.definition })),
        problems: plants.length ? [] : [...problems],
      });
    },
    {
      summary: 'Report definitions (reports/*.yaml) and problems of files that did not load',
      tags: ['reports'],
      response: ReportDefinitionListSchema,
    },
  );

  router.post(
    '/api/v1/reports/run',
    'operate',
    async (c) => {
      const body = await parseBody(c, RunReportBody);
      const plants = plantFilter(c);
      const found = deps.definitions().definitions.find((d) => d.definition.id === body.definition);
      if (!found || !visible(plants, found.definition.scope.plant))
        throw new ApiError(404, 'report_definition_not_found', `no report definition "${body.definition}"`);
      const d = found.definition;
      const timeZone = definitionTimeZone(d, deps.timeZoneOf, deps.defaultTimeZone);
      const now = deps.now();
      try {
        const { record } = await produceReport({
          store: deps.store,
          dir: deps.dir,
          definition: d,
          flows: deps.flows(),
          week: body.week ?? lastCompleteWeek(now, timeZone),
          timeZone,
          uiBaseUrl: deps.uiBaseUrl,
          now,
          trigger: 'manual',
          ...(deps.pdf ? { pdf: deps.pdf } : {}),
        });
        await auditRequest(c, deps.store, now, {
          action: 'report.run',
          target: record.id,
          plant: d.scope.plant,
          after: { definition: d.id, week: record.week },
        });
        return c.json(record, 201);
      } catch (e) {
        if (e instanceof ReportError) throw new ApiError(400, 'invalid_report', e.message, { cause: e });
        throw e;
      }
    },
    {
      summary: 'Produce a definition’s report now (default: the last complete week)',
      tags: ['reports'],
      body: RunReportBody,
      response: ReportRecordSchema,
    },
  );
}
