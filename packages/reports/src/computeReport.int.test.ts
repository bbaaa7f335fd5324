import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionTruth } from '@linewatch/simulator';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { computeReport } from './computeReport.ts';
import { weekOf, weekWindow } from './isoWeek.ts';
import type { Report } from './model.ts';
import { renderCsv } from './renderCsv.ts';
import { renderHtml } from './renderHtml.ts';
import { renderPdf } from './renderPdf.ts';
import { pdfPages } from './testing/pdfPages.ts';
import { csvRecords } from './testing/parseCsv.ts';
import { showHtml, testBrowser } from './testing/htmlPage.ts';
import { repoFlows, seedSimulatedWeeks } from './testing/seedWeeks.ts';

// A seeded simulated month with known truth, through the real correlation worker on real chDB: every
// count of the report equals the simulator's ground truth exactly.

const TZ = 'Europe/Berlin';
const WEEK = '2026-W47';
const HOUR = 3_600_000;
const flows = repoFlows();
const first = weekWindow('2026-W43', TZ);
const last = weekWindow(WEEK, TZ);

let store: TestStore;
let truth: TransactionTruth[];
let now: number;
let report: Report;

const inWeek = (t: TransactionTruth, week = WEEK) => weekOf(Date.parse(t.startedAt), TZ) === week;
const count = (ts: TransactionTruth[], status: string) => ts.filter((t) => t.status === status).length;

beforeAll(async () => {
  store = await openTestStore();
  const seeded = await seedSimulatedWeeks(store, {
    flows,
    start: first.start + HOUR,
    // The estate packs transactions into about 4/5 of `spanMs` (quiet weekends): stretched so the
    // report's week is full; whatever starts after it must stay out of it.
    spanMs: (last.end - first.start) * 1.2,
    transactions: 7_000,
    seed: 7,
  });
  truth = seeded.truth;
  now = seeded.settledAt;
  report = await computeReport(store, {
    week: WEEK,
    scope: { kind: 'all' },
    timeZone: TZ,
    flows,
    uiBaseUrl: 'https://linewatch.example/',
    now,
  });
}, 300_000);
afterAll(() => store.drop());

describe('a weekly report over a seeded simulated month', () => {
  it('covers the ISO week in the time zone and every defined flow', () => {
    expect(report.window).toMatchObject({
      week: WEEK,
      hours: 168,
      start: Date.parse('2026-11-15T23:00:00Z'),
    });
    expect(report.flows.map((f) => f.flow)).toEqual(flows.map((f) => f.id));
    expect(truth.filter((t) => inWeek(t)).length).toBeGreaterThan(800);
  });

  it('counts every status of every flow exactly as the ground truth has it', () => {
    for (const f of report.flows) {
      const ts = truth.filter((t) => t.flow === f.flow && inWeek(t));
      expect(f, f.flow).toMatchObject({
        volume: ts.length,
        inProgress: 0,
        finished: ts.length,
        completed: count(ts, 'completed'),
        late: count(ts, 'late'),
        missing: count(ts, 'missing'),
        failed: count(ts, 'failed'),
        recovered: count(ts, 'recovered'),
        duplicate: count(ts, 'duplicate'),
        onTime: count(ts, 'completed') + count(ts, 'recovered'),
      });
      const ratio = ts.length ? (count(ts, 'completed') + count(ts, 'recovered')) / ts.length : null;
      expect(f.onTimeRatio, f.flow).toBe(ratio);
    }
    const faults = report.flows.reduce((n, f) => n + f.late + f.missing + f.failed + f.duplicate, 0);
    expect(faults).toBeGreaterThan(50);
  });

  it('counts every flow and plant exactly, with the top error categories of its failures', () => {
    const pairs = new Set(truth.filter((t) => inWeek(t)).map((t) => `${t.flow}|${t.plant}`));
    expect(report.plants.map((p) => `${p.flow}|${p.plant}`).sort()).toEqual([...pairs].sort());
    for (const p of report.plants) {
      const ts = truth.filter((t) => t.flow === p.flow && t.plant === p.plant && inWeek(t));
      expect(p, `${p.flow} ${p.plant}`).toMatchObject({
        volume: ts.length,
        late: count(ts, 'late'),
        missing: count(ts, 'missing'),
        failed: count(ts, 'failed'),
        recovered: count(ts, 'recovered'),
        duplicate: count(ts, 'duplicate'),
      });
      const byCategory = new Map<string, number>();
      for (const t of ts.filter((x) => x.status === 'failed'))
        byCategory.set(t.errorCategory ?? '(none)', (byCategory.get(t.errorCategory ?? '(none)') ?? 0) + 1);
      const expected = [...byCategory]
        .map(([category, n]) => ({ category, count: n }))
        .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category))
        .slice(0, 5);
      expect(p.topErrorCategories).toEqual(expected);
    }
  });

  it('judges each flow against its SLO target with the error budget that follows', () => {
    for (const f of report.flows) {
      const target = flows.find((x) => x.id === f.flow)?.slo.onTimeTarget;
      expect(f.sloTarget).toBe(target);
      if (f.finished === 0) continue;
      const bad = f.finished - f.onTime;
      expect(f.errorBudgetSpent).toBe(bad);
      expect(f.errorBudget).toBeCloseTo((1 - f.sloTarget) * f.finished, 9);
      expect(f.errorBudgetUsed).toBeCloseTo(bad / f.errorBudget, 9);
      expect(f.sloMet).toBe((f.onTimeRatio ?? 0) >= f.sloTarget);
      expect(f.attainment).toBeCloseTo(Math.min(1, (f.onTimeRatio ?? 0) / f.sloTarget), 9);
    }
  });

  it('gives p50 and p95 end-to-end times as exact quantiles of the stored times', async () => {
    const rows = await store.query<{ flow_id: string; e2e: number }>(sql`
      SELECT CAST(flow, 'String') AS flow_id, e2e_ms AS e2e FROM ${store.table('transactions')} FINAL
      WHERE e2e_ms IS NOT NULL AND started_at >= fromUnixTimestamp64Milli(${last.start})
        AND started_at < fromUnixTimestamp64Milli(${last.end})`);
    for (const f of report.flows) {
      const xs = rows
        .filter((r) => r.flow_id === f.flow)
        .map((r) => Number(r.e2e))
        .sort((a, b) => a - b);
      if (!xs.length) continue;
      // quantileExact: the element at floor(level × n) of the sorted values.
      expect(f.p50E2eMs, f.flow).toBe(xs[Math.floor(0.5 * xs.length)]);
      expect(f.p95E2eMs, f.flow).toBe(xs[Math.floor(0.95 * xs.length)]);
    }
  });

  it('lists the 10 longest overdue or failed transactions of the week, with links to their timelines', () => {
    expect(report.worst).toHaveLength(10);
    const byId = new Map(truth.map((t) => [`${t.flow}|${t.key}`, t]));
    for (const w of report.worst) {
      const t = byId.get(`${w.flow}|${w.key}`);
      expect(t && inWeek(t), w.key).toBe(true);
      expect(w.status).toBe(t?.status);
      expect(w.url).toBe(
        `https://linewatch.example/transactions/${encodeURIComponent(w.flow)}/${encodeURIComponent(w.key)}`,
      );
    }
    const overdue = report.worst.map((w) => w.overdueMs);
    expect(overdue).toEqual([...overdue].sort((a, b) => b - a));
    // A failed transaction has been failing since it started: none of the week's failures started
    // earlier than the least overdue one listed without being listed.
    const floor = overdue[overdue.length - 1] ?? 0;
    const listed = new Set(report.worst.map((w) => w.key));
    for (const t of truth.filter((x) => inWeek(x) && x.status === 'failed'))
      if (now - Date.parse(t.startedAt) > floor + 60_000) expect(listed, t.key).toContain(t.key);
  });

  it('trends the previous 4 weeks: volume and on-time ratio per flow, as the truth has them', () => {
    expect(report.trend.weeks).toEqual(['2026-W43', '2026-W44', '2026-W45', '2026-W46', WEEK]);
    for (const f of report.trend.flows)
      for (const p of f.points) {
        const ts = truth.filter((t) => t.flow === f.flow && inWeek(t, p.week));
        expect(p.volume, `${f.flow} ${p.week}`).toBe(ts.length);
        const ok = count(ts, 'completed') + count(ts, 'recovered');
        expect(p.onTimeRatio, `${f.flow} ${p.week}`).toBe(ts.length ? ok / ts.length : null);
      }
  });

  it('says the incidents section has data when alerting tables exist, with every tier', () => {
    expect(report.incidents.available).toBe(true);
    if (report.incidents.available)
      expect(report.incidents.tiers.map((t) => t.tier)).toEqual(['P1', 'P2', 'P3', 'P4']);
  });

  it('counts one plant alone for a plant scope, in the same numbers as its rows in the full report', async () => {
    const p01 = await computeReport(store, {
      week: WEEK,
      scope: { kind: 'plant', plant: 'P01' },
      timeZone: TZ,
      flows,
      uiBaseUrl: 'https://linewatch.example',
      now,
    });
    for (const f of p01.flows) {
      const row = report.plants.find((p) => p.flow === f.flow && p.plant === 'P01');
      expect(f.volume, f.flow).toBe(row?.volume ?? 0);
      expect(f.late, f.flow).toBe(row?.late ?? 0);
    }
    expect(p01.plants.every((p) => p.plant === 'P01')).toBe(true);
    expect(p01.worst.every((w) => w.plant === 'P01')).toBe(true);
  });
});

describe('the exports of the seeded week', () => {
  it('read back from CSV, give the ground truth counts of every flow and plant', () => {
    const files = new Map(renderCsv(report).map((f) => [f.name, f.content]));
    const rows = csvRecords(files.get('flows.csv') ?? '');
    expect(rows).toHaveLength(report.flows.length + report.plants.length);
    for (const r of rows) {
      const ts = truth.filter(
        (t) => t.flow === r.flow && (r.plant === 'all' || t.plant === r.plant) && inWeek(t),
      );
      expect(
        [
          r.volume_transactions,
          r.late_transactions,
          r.missing_transactions,
          r.failed_transactions,
          r.duplicate_transactions,
        ].map(Number),
        `${r.flow} ${r.plant}`,
      ).toEqual([
        ts.length,
        count(ts, 'late'),
        count(ts, 'missing'),
        count(ts, 'failed'),
        count(ts, 'duplicate'),
      ]);
      const ok = count(ts, 'completed') + count(ts, 'recovered');
      if (ts.length) expect(Number(r.on_time_pct)).toBeCloseTo((100 * ok) / ts.length, 4);
    }
    const worst = csvRecords(files.get('worst_transactions.csv') ?? '');
    expect(worst.map((w) => w.business_key)).toEqual(report.worst.map((w) => w.key));
    const trend = csvRecords(files.get('trend.csv') ?? '');
    for (const r of trend)
      expect(Number(r.volume_transactions), `${r.flow} ${r.week}`).toBe(
        truth.filter((t) => t.flow === r.flow && inWeek(t, r.week ?? '')).length,
      );
  });

  it('read from the HTML in Chromium, give the ground truth counts of every flow', async () => {
    let browser: Browser | undefined;
    try {
      browser = await testBrowser();
      const { page } = await showHtml(browser, renderHtml(report));
      const rows = page.locator('h2 + .scroll').first().locator('tbody tr');
      expect(await rows.count()).toBe(flows.length);
      for (const [i, flow] of flows.entries()) {
        const row = rows.nth(i);
        expect(await row.locator('th').textContent()).toBe(flow.name);
        const ts = truth.filter((t) => t.flow === flow.id && inWeek(t));
        const ok = count(ts, 'completed') + count(ts, 'recovered');
        expect((await row.locator('td').allTextContents()).slice(0, 8), flow.id).toEqual([
          String(ts.length),
          String(ok),
          String(count(ts, 'late')),
          String(count(ts, 'missing')),
          String(count(ts, 'failed')),
          String(count(ts, 'recovered')),
          String(count(ts, 'duplicate')),
          ts.length ? `${((100 * ok) / ts.length).toFixed(2)} %` : '–',
        ]);
      }
      expect(await page.locator('a').allTextContents()).toEqual(report.worst.map((w) => w.key));
    } finally {
      await browser?.close();
    }
  });
});

describe('the PDF of the seeded week', () => {
  // pdftotext -layout keeps a table row on one line: the flow name's first line, then its figures.
  const ROW = /^\S.*?\s{2,}(?:all\s+)?(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+) %/;
  for (const engine of ['chromium', 'pdfkit'] as const)
    it(`printed by ${engine}, gives the ground truth counts of every flow on non-blank pages`, async () => {
      const pdf = await renderPdf(
        report,
        renderHtml(report),
        engine === 'pdfkit' ? { chromiumPath: false } : {},
      );
      expect(pdf.engine).toBe(engine);
      const { pages, text } = pdfPages(pdf.bytes);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      for (const p of pages) expect(p.inked).toBeGreaterThan(0.002);
      const section = text.slice(text.indexOf('Flows'), text.indexOf('Flows by plant'));
      const rows = section
        .split('\n')
        .map((l) => ROW.exec(l))
        .filter((m) => m !== null)
        .map((m) => m.slice(1, 8).map(Number));
      expect(rows).toEqual(
        flows.map((f) => {
          const ts = truth.filter((t) => t.flow === f.id && inWeek(t));
          const ok = count(ts, 'completed') + count(ts, 'recovered');
          return [
            ts.length,
            ok,
            ...['late', 'missing', 'failed', 'recovered', 'duplicate'].map((st) => count(ts, st)),
          ];
        }),
      );
    }, 60_000);
});

describe('the incidents section', () => {
  it('counts the alerts that fired in the week by tier, with times to detect, acknowledge and resolve', async () => {
    const t = (h: number) => new Date(last.start + h * HOUR).toISOString();
    const alert = (
      id: string,
      tier: string,
      plant: string,
      startsH: number,
      firedH: number,
      endsH: number | null,
    ) => ({
      id,
      rule: 'flow_missing',
      rule_kind: 'flow',
      fingerprint: id,
      state: endsH === null ? 'firing' : 'resolved',
      tier,
      plant,
      flow: 'production_confirmation',
      starts_at: t(startsH),
      fired_at: t(firedH),
      last_active_at: t(firedH),
      ends_at: endsH === null ? null : t(endsH),
      updated_at: t(firedH),
      version: 1,
    });
    await store.insert('alerts', [
      alert('a1', 'P1', 'P01', 10, 10.5, 12.5),
      alert('a2', 'P1', 'P02', 20, 21, null),
      alert('a3', 'P3', 'P01', 30, 30, 31),
      // Fired the week before: not this week's incident.
      alert('a4', 'P1', 'P01', -5, -4, -3),
    ]);
    await store.insert('alert_acks', [
      { alert_id: 'a1', by: 'ops', at: t(11), comment: '' },
      { alert_id: 'a2', by: 'ops', at: t(23), comment: '' },
    ]);
    const r = await computeReport(store, {
      week: WEEK,
      scope: { kind: 'all' },
      timeZone: TZ,
      flows,
      uiBaseUrl: 'http://ui',
      now,
    });
    expect(r.incidents).toEqual({
      available: true,
      tiers: [
        {
          tier: 'P1',
          count: 2,
          acknowledged: 2,
          resolved: 1,
          meanTimeToDetectMs: 0.75 * HOUR,
          meanTimeToAcknowledgeMs: 1.25 * HOUR,
          meanTimeToResolveMs: 2 * HOUR,
        },
        expect.objectContaining({ tier: 'P2', count: 0 }),
        expect.objectContaining({ tier: 'P3', count: 1, meanTimeToResolveMs: HOUR }),
        expect.objectContaining({ tier: 'P4', count: 0 }),
      ],
    });
    const p02 = await computeReport(store, {
      week: WEEK,
      scope: { kind: 'plant', plant: 'P02' },
      timeZone: TZ,
      flows,
      uiBaseUrl: 'http://ui',
      now,
    });
    expect(p02.incidents.available && p02.incidents.tiers.map((x) => x.count)).toEqual([1, 0, 0, 0]);
  });
});
