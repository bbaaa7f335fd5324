import { accessSync, constants, existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { chromium, type Browser } from 'playwright-core';
import { DateTime } from 'luxon';
import type { Report } from './model.ts';
import { formatMs, formatPct } from './renderHtml.ts';

/** Where a Chromium is looked for when none is configured (Debian's package first). */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** How the PDF was made. */
export type PdfEngine = 'chromium' | 'pdfkit';

export interface PdfOptions {
  /**
   * The Chromium to print with: a path, `false` for the pure-JS renderer, or undefined to look in
   * CHROMIUM_CANDIDATES and fall back to the pure-JS renderer when none is there.
   */
  chromiumPath?: string | false;
}

/** The first executable Chromium among the candidates, if any. */
export function findChromium(candidates: readonly string[] = CHROMIUM_CANDIDATES): string | undefined {
  return candidates.find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Launches headless Chromium as the browser tests do (no sandbox, no background traffic). */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

async function chromiumPdf(path: string, html: string): Promise<Buffer> {
  const browser = await launchChromium(path);
  try {
    const page = await browser.newPage();
    // The document is self-contained: nothing to fetch, so block every request it might make.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ preferCSSPageSize: true, printBackground: true });
  } finally {
    await browser.close();
  }
}

const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const DEJAVU_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/**
 * The same report drawn with pdfkit when no browser is installed: the same sections as tables of
 * text (no chart; the trend is a table). DejaVu Sans when installed (all of Unicode the data may
 * hold), else Helvetica with text reduced to Latin-1 (the standard PDF fonts' WinAnsi encoding).
 */
export function pdfkitPdf(report: Report): Promise<Buffer> {
  const unicode = existsSync(DEJAVU) && existsSync(DEJAVU_BOLD);
  const clean = (s: string) => (unicode ? s : s.replace(/[^\x20-\x7e\xa0-\xff]/g, '?'));
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 34, info: { Title: report.title } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const regular = unicode ? DEJAVU : 'Helvetica';
  const bold = unicode ? DEJAVU_BOLD : 'Helvetica-Bold';
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const heading = (text: string) => {
    if (doc.y > bottom() - 60) doc.addPage();
    doc.moveDown(0.6).font(bold).fontSize(12).fillColor('#1f2328').text(clean(text), left, doc.y);
    doc.moveDown(0.2);
  };
  /** A table: column widths as shares of the page width; numeric columns right-aligned. */
  const table = (head: string[], rows: string[][], shares: number[], numeric: boolean[]) => {
    const total = shares.reduce((a, b) => a + b, 0);
    const widths = shares.map((s) => (s / total) * width);
    const line = (cells: string[], font: string) => {
      doc.font(font).fontSize(8);
      const h = Math.max(
        ...cells.map((c, i) => doc.heightOfString(clean(c), { width: (widths[i] ?? 40) - 4 })),
      );
      if (doc.y + h > bottom()) doc.addPage();
      const y = doc.y;
      let x = left;
      cells.forEach((c, i) => {
        const w = widths[i] ?? 40;
        doc.text(clean(c), x + 2, y, { width: w - 4, align: numeric[i] ? 'right' : 'left' });
        x += w;
      });
      doc.y = y + h + 3;
      doc
        .moveTo(left, doc.y - 1.5)
        .lineTo(left + width, doc.y - 1.5)
        .lineWidth(0.4)
        .strokeColor('#d0d7de')
        .stroke();
    };
    line(head, bold);
    for (const r of rows) line(r, regular);
  };

  const tz = report.window.timeZone;
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: tz }).toFormat('yyyy-LL-dd HH:mm');
  doc.font(bold).fontSize(16).text(clean(report.title));
  doc
    .font(regular)
    .fontSize(9)
    .fillColor('#57606a')
    .text(
      clean(
        `${report.window.week}: ${local(report.window.start)} to ${local(report.window.end)} (${tz}, ${report.window.hours} h) · generated ${new Date(report.generatedAt).toISOString()}`,
      ),
    )
    .fillColor('#1f2328');

  const flowHead = [
    'Flow',
    'Plant',
    'Volume',
    'On time',
    'Late',
    'Missing',
    'Failed',
    'Recov.',
    'Dup.',
    'On-time %',
    'Target',
    'Budget used',
    'p50',
    'p95',
  ];
  const flowShares = [5, 1.4, 1.3, 1.3, 1, 1.2, 1, 1.1, 1, 1.6, 1.4, 1.7, 1.4, 1.4];
  const flowNumeric = flowHead.map((_, i) => i >= 2);
  const flowRow = (f: Report['flows'][number]) => [
    f.name,
    f.plant ?? 'all',
    ...[f.volume, f.onTime, f.late, f.missing, f.failed, f.recovered, f.duplicate].map(String),
    formatPct(f.onTimeRatio),
    formatPct(f.sloTarget),
    formatPct(f.errorBudgetUsed),
    formatMs(f.p50E2eMs),
    formatMs(f.p95E2eMs),
  ];
  heading('Flows');
  table(flowHead, report.flows.map(flowRow), flowShares, flowNumeric);
  heading('Flows by plant');
  table(flowHead, report.plants.map(flowRow), flowShares, flowNumeric);
  heading('Failures by error category (top 5)');
  const cats = report.flows.filter((f) => f.topErrorCategories.length);
  if (cats.length)
    table(
      ['Flow', 'Categories'],
      cats.map((f) => [f.name, f.topErrorCategories.map((c) => `${c.category} (${c.count})`).join(', ')]),
      [1, 3],
      [false, false],
    );
  else doc.font(regular).fontSize(9).text('No failed transactions.');
  heading('Incidents');
  if (report.incidents.available)
    table(
      [
        'Tier',
        'Incidents',
        'Acknowledged',
        'Resolved',
        'Mean time to detect',
        'to acknowledge',
        'to resolve',
      ],
      report.incidents.tiers.map((t) => [
        t.tier,
        String(t.count),
        String(t.acknowledged),
        String(t.resolved),
        formatMs(t.meanTimeToDetectMs),
        formatMs(t.meanTimeToAcknowledgeMs),
        formatMs(t.meanTimeToResolveMs),
      ]),
      [1, 1, 1, 1, 1.5, 1.5, 1.5],
      [false, true, true, true, true, true, true],
    );
  else doc.font(regular).fontSize(9).text('No data: this store has no alerting tables.');
  heading('Worst transactions');
  table(
    ['#', 'Flow', 'Plant', 'Business key', 'Status', 'Started', 'Overdue', 'Reason'],
    report.worst.map((w, i) => [
      String(i + 1),
      w.flow,
      w.plant,
      w.key,
      w.status,
      local(w.startedAt),
      formatMs(w.overdueMs),
      w.reason,
    ]),
    [0.5, 2.5, 0.8, 2.2, 1, 1.7, 1.2, 5],
    [true, false, false, false, false, false, true, false],
  );
  heading(`Trend, last ${report.trend.weeks.length} weeks (volume · on-time %)`);
  table(
    ['Flow', ...report.trend.weeks],
    report.trend.flows.map((f) => [
      f.name,
      ...f.points.map((p) => `${p.volume} · ${formatPct(p.onTimeRatio)}`),
    ]),
    [3, ...report.trend.weeks.map(() => 1.6)],
    [false, ...report.trend.weeks.map(() => true)],
  );
  doc.end();
  return done;
}

/**
 * The report as PDF: the HTML printed by headless Chromium when one is installed, else drawn by
 * pdfkit. Says which engine made it.
 * @example const { bytes, engine } = await renderPdf(report, renderHtml(report))
 */
export async function renderPdf(
  report: Report,
  html: string,
  options: PdfOptions = {},
): Promise<{ bytes: Buffer; engine: PdfEngine }> {
  const path = options.chromiumPath === false ? undefined : (options.chromiumPath ?? findChromium());
  if (path) return { bytes: await chromiumPdf(path, html), engine: 'chromium' };
  return { bytes: await pdfkitPdf(report), engine: 'pdfkit' };
}
