// bench:report — the time to produce one week's report for 3 plants × 7 flows when the week holds
// 1M transactions (and the 4 trend weeks before it another 1M), in the embedded store: the numbers
// (all queries), CSV + HTML, and the PDF (headless Chromium when installed, else pdfkit; `--pdfkit`
// forces it). Prints each phase and the peak RSS. `--transactions N` for a smaller run.
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetentionConfigSchema, StoreConfigSchema } from '@linewatch/schema';
import { migrate, openStore, sql } from '@linewatch/store';
import { loadFlows } from '@linewatch/correlation';
import { computeReport } from '../src/computeReport.ts';
import { weekWindow } from '../src/isoWeek.ts';
import { renderCsv } from '../src/renderCsv.ts';
import { renderHtml } from '../src/renderHtml.ts';
import { renderPdf } from '../src/renderPdf.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRANSACTIONS = arg('transactions', 1_000_000);
const PDFKIT = process.argv.includes('--pdfkit');
const out = (line: string) => process.stdout.write(`${line}\n`);
const TZ = 'Europe/Paris';
const WEEK = '2026-W47';
const PLANTS = ['P01', 'P02', 'P03'];
const flows = loadFlows(join(import.meta.dirname, '../../../flows')).flows.map((f) => f.flow);
const FLOWS = flows.map((f) => f.id);

const dataDir = join(tmpdir(), `linewatch-bench-report-${process.pid}`);
mkdirSync(dataDir, { recursive: true });
const store = await openStore(
  StoreConfigSchema.parse({ mode: 'embedded', dataDir, database: 'bench', maxMemoryBytes: 4 * 1024 ** 3 }),
);

async function timed<T>(label: string, run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await run();
  const ms = performance.now() - t;
  out(`${label}: ${(ms / 1000).toFixed(2)} s`);
  return { value, ms };
}

/** Transactions spread evenly over [from, to): the same status mix as bench:alerts. */
const generate = (from: number, to: number, n: number, prefix: string) =>
  store.command(sql`INSERT INTO ${store.table('transactions')}
    (key, flow, plant, status, started_at, completed_at, e2e_ms, late_by_ms, problem_deadline_at,
     problem_step, error_category, updated_at, version, is_deleted)
    SELECT concat(${prefix}, toString(number)), ${FLOWS}[1 + number % ${FLOWS.length}], ${PLANTS}[1 + intDiv(number, 7) % 3],
      multiIf(number % 100 < 2, 'late', number % 100 < 3, 'missing', number % 100 < 4, 'failed',
        number % 200 = 7, 'duplicate', number % 1000 = 9, 'in_progress', number % 100 = 5, 'recovered', 'completed') AS st,
      fromUnixTimestamp64Milli(toInt64(${from} + intDiv(number * ${to - from}, ${n}))) AS t,
      if(st IN ('completed', 'late', 'duplicate', 'recovered'), t + toIntervalSecond(60 + number % 1800), NULL),
      if(st IN ('completed', 'late', 'duplicate', 'recovered'), toInt64(1000 * (60 + number % 1800)), NULL),
      if(st = 'late', toInt64(1000 * (number % 3600)), NULL),
      if(st IN ('missing', 'failed', 'late'), t + toIntervalSecond(600), NULL),
      if(st IN ('missing', 'failed', 'late'), 'confirm', ''),
      if(st = 'failed', ['mes_unreachable', 'timeout', 'validation', 'auth', 'mapping', 'unknown'][1 + number % 6], ''),
      t + toIntervalSecond(600), 1, 0
    FROM numbers(${n})`);

try {
  await migrate(store, RetentionConfigSchema.parse({}));
  const week = weekWindow(WEEK, TZ);
  const trendStart = weekWindow('2026-W43', TZ).start;
  out(
    `bench:report — ${TRANSACTIONS} transactions in ${WEEK} (${PLANTS.length} plants × ${FLOWS.length} flows), ${TRANSACTIONS} in the 4 weeks before`,
  );
  await timed(`generated ${TRANSACTIONS} transactions in the week`, () =>
    generate(week.start, week.end, TRANSACTIONS, 'W/'),
  );
  await timed(`generated ${TRANSACTIONS} transactions in the trend weeks`, () =>
    generate(trendStart, week.start, TRANSACTIONS, 'T/'),
  );
  const now = week.end + 3_600_000;
  const numbers = await timed('numbers (queries + build)', () =>
    computeReport(store, {
      week: WEEK,
      scope: { kind: 'all' },
      timeZone: TZ,
      flows,
      uiBaseUrl: 'http://ui',
      now,
    }),
  );
  const report = numbers.value;
  const total = report.flows.reduce((n, f) => n + f.volume, 0);
  if (total !== TRANSACTIONS)
    throw new Error(`report counts ${total} transactions, expected ${TRANSACTIONS}`);
  const files = await timed('CSV + HTML', () => {
    const csv = renderCsv(report);
    const html = renderHtml(report);
    return Promise.resolve({ csv, html });
  });
  const pdf = await timed('PDF', () =>
    renderPdf(report, files.value.html, PDFKIT ? { chromiumPath: false } : {}),
  );
  const csvBytes = files.value.csv.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
  out(
    `total CSV + HTML: ${((numbers.ms + files.ms) / 1000).toFixed(2)} s (goal ≤ 10 s); with PDF (${pdf.value.engine}): ${((numbers.ms + files.ms + pdf.ms) / 1000).toFixed(2)} s (goal ≤ 20 s)`,
  );
  out(
    `sizes: CSV ${csvBytes} B in ${files.value.csv.length} files, HTML ${Buffer.byteLength(files.value.html)} B, PDF ${pdf.value.bytes.length} B`,
  );
  // maxRSS is in kilobytes; it includes the embedded engine (chDB runs in this process).
  out(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
