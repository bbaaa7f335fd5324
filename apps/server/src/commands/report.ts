import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FlowFileError, FlowRegistry } from '@linewatch/correlation';
import type { Flow, LinewatchConfig } from '@linewatch/schema';
import {
  computeReport,
  lastCompleteWeek,
  renderCsv,
  renderHtml,
  renderPdf,
  ReportError,
  type PdfEngine,
  type ReportScope,
} from '@linewatch/reports';
import { migrate, openStore, StoreLockedError, type Store } from '@linewatch/store';
import { loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';

interface ReportOptions {
  week?: string;
  plant?: string;
  owner?: string;
  timeZone?: string;
  format: string;
  out: string;
  browser: boolean;
  config?: string;
}

const FORMATS = ['csv', 'html', 'pdf', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** What `exportReport` wrote. */
export interface ExportResult {
  files: string[];
  week: string;
  pdfEngine: PdfEngine | null;
}

/**
 * Computes one report and writes it in a format: a file for html, pdf and json, a directory of
 * files (one per table) for csv.
 * @example await exportReport(store, config, flows, { week: '2026-W47', plant: 'P01', format: 'pdf', out: 'p01.pdf', now: Date.now() })
 */
export async function exportReport(
  store: Store,
  config: Pick<LinewatchConfig, 'plants' | 'timeZone' | 'publicUrl' | 'server'>,
  flows: readonly Flow[],
  o: {
    week?: string;
    plant?: string;
    owner?: string;
    timeZone?: string;
    format: Format;
    out: string;
    now: number;
    chromiumPath?: string | false;
  },
): Promise<ExportResult> {
  if (o.plant && o.owner)
    throw new ConfigError(['--plant, --owner: a report is one plant or one owner, not both']);
  const scope: ReportScope = o.plant
    ? { kind: 'plant', plant: o.plant }
    : o.owner
      ? { kind: 'owner', owner: o.owner }
      : { kind: 'all' };
  const timeZone =
    o.timeZone ?? (o.plant ? (config.plants[o.plant]?.timeZone ?? config.timeZone) : config.timeZone);
  const week = o.week ?? lastCompleteWeek(o.now, timeZone);
  let report;
  try {
    report = await computeReport(store, {
      week,
      scope,
      timeZone,
      flows,
      uiBaseUrl: config.publicUrl ?? `http://${config.server.host}:${config.server.port}`,
      now: o.now,
    });
  } catch (e) {
    if (e instanceof ReportError) throw new ConfigError([e.message], { cause: e });
    throw e;
  }
  if (o.format === 'csv') {
    mkdirSync(o.out, { recursive: true });
    const files = renderCsv(report).map((f) => {
      const path = join(o.out, f.name);
      writeFileSync(path, f.content);
      return path;
    });
    return { files, week, pdfEngine: null };
  }
  if (o.format === 'json') {
    writeFileSync(o.out, `${JSON.stringify(report, null, 2)}\n`);
    return { files: [o.out], week, pdfEngine: null };
  }
  const html = renderHtml(report);
  if (o.format === 'html') {
    writeFileSync(o.out, html);
    return { files: [o.out], week, pdfEngine: null };
  }
  const pdf = await renderPdf(
    report,
    html,
    o.chromiumPath !== undefined ? { chromiumPath: o.chromiumPath } : {},
  );
  writeFileSync(o.out, pdf.bytes);
  return { files: [o.out], week, pdfEngine: pdf.engine };
}

/** `linewatch report --week 2026-W47 --plant P01 --format pdf --out FILE`: one report, on demand. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'write a weekly SLA report (docs/reports.md); opens the store, so run it while linewatch is stopped',
    )
    .option('--week <week>', 'ISO week like 2026-W47 (default: the last complete week)')
    .option('--plant <id>', 'one plant (weeks in its time zone)')
    .option('--owner <team>', "one flow owner's flows")
    .option('--time-zone <tz>', 'the time zone weeks are counted in (default: the plant’s, else timeZone)')
    .option('--format <format>', 'csv (a directory), html, pdf or json', 'pdf')
    .requiredOption('--out <path>', 'the file to write (a directory for csv)')
    .option('--no-browser', 'draw the PDF with pdfkit even when Chromium is installed')
    .option('-c, --config <file>', 'linewatch.yaml (default: $LINEWATCH_CONFIG or ./linewatch.yaml)')
    .action(async (opts: ReportOptions) => {
      if (!(FORMATS as readonly string[]).includes(opts.format))
        throw new ConfigError([`--format: expected one of ${FORMATS.join(', ')}, got "${opts.format}"`]);
      const { config } = loadConfig({ path: opts.config });
      let flows: FlowRegistry;
      try {
        flows = FlowRegistry.open({ dir: config.paths.flows });
      } catch (e) {
        if (e instanceof FlowFileError) throw new ConfigError(e.issues, { cause: e });
        throw e;
      }
      let store: Store;
      try {
        store = await openStore(config.store);
      } catch (e) {
        if (e instanceof StoreLockedError)
          throw new ConfigError(
            [`${e.message}: use POST /api/v1/reports/run on the running server instead`],
            { cause: e },
          );
        throw e;
      }
      try {
        await migrate(store, config.retention);
        const started = Date.now();
        const r = await exportReport(
          store,
          config,
          flows.list().map((l) => l.flow),
          {
            ...(opts.week !== undefined ? { week: opts.week } : {}),
            ...(opts.plant !== undefined ? { plant: opts.plant } : {}),
            ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
            ...(opts.timeZone !== undefined ? { timeZone: opts.timeZone } : {}),
            format: opts.format as Format,
            out: opts.out,
            now: started,
            ...(opts.browser ? {} : { chromiumPath: false as const }),
          },
        );
        process.stdout.write(
          `report ${r.week}: wrote ${r.files.join(', ')}${r.pdfEngine ? ` (PDF by ${r.pdfEngine})` : ''} in ${Date.now() - started} ms\n`,
        );
      } finally {
        await store.close();
      }
    });
}
