import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportDefinitionSchema, type ReportDefinitionInput } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { createReportScheduler } from './createReportScheduler.ts';
import { getReport, listReports } from './reportStore.ts';
import { repoFlows } from './testing/seedWeeks.ts';

// The worker's schedule on real chDB: a run due at Monday 06:00 plant time, a run missed while down
// produced once when it comes back, files under the data directory, records in `reports`.

const def = (o: Partial<ReportDefinitionInput>) =>
  ReportDefinitionSchema.parse({ apiVersion: 'linewatch/v1', kind: 'Report', id: 'x', name: 'X', ...o });
const definitions = [
  def({ id: 'p01-weekly', name: 'P01 weekly', scope: { plant: 'P01' }, formats: ['csv', 'html'] }),
  def({ id: 'all-weekly', name: 'All weekly', timeZone: 'UTC', formats: ['html'] }),
  def({ id: 'manual-only', name: 'Manual', schedule: { enabled: false } }),
];
const logged: string[] = [];

let store: TestStore;
let dir: string;
const scheduler = () =>
  createReportScheduler({
    store,
    dir,
    definitions: () => definitions,
    flows: repoFlows,
    timeZoneOf: (p) => (p === 'P01' ? 'Europe/Paris' : 'UTC'),
    defaultTimeZone: 'UTC',
    uiBaseUrl: 'http://ui',
    logger: { info: (_o, m) => logged.push(m ?? ''), error: (_o, m) => logged.push(`error ${m ?? ''}`) },
  });

beforeAll(async () => {
  store = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'reports-'));
});
afterAll(async () => {
  await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the report schedule on real chDB', () => {
  it('produces the P01 report at Monday 06:00 Paris time, for the week that ended, with its files', async () => {
    const s = scheduler();
    // A first start at 06:00:30 UTC the Monday before: the UTC report is on time, P01's (06:00 in
    // Paris, an hour earlier) is caught up.
    const first = await s.tick(Date.parse('2026-11-16T06:00:30Z'));
    expect(first.map((p) => [p.record.definition, p.record.week, p.record.trigger]).sort()).toEqual([
      ['all-weekly', '2026-W46', 'schedule'],
      ['p01-weekly', '2026-W46', 'catch_up'],
    ]);
    expect(await s.tick(Date.parse('2026-11-23T04:59:00Z'))).toEqual([]);
    const due = await s.tick(Date.parse('2026-11-23T05:00:10Z'));
    expect(due.map((p) => p.record.definition)).toEqual(['p01-weekly']);
    const p01 = due[0]!.record;
    expect(p01).toMatchObject({
      week: '2026-W47',
      trigger: 'schedule',
      scheduledFor: '2026-11-23T05:00:00.000Z',
      plant: 'P01',
      timeZone: 'Europe/Paris',
      windowStart: '2026-11-15T23:00:00.000Z',
      pdfEngine: null,
    });
    expect(p01.files.map((f) => f.name)).toContain('p01-weekly-2026-W47.html');
    expect(p01.files.filter((f) => f.format === 'csv')).toHaveLength(6);
    for (const f of p01.files) {
      const bytes = readFileSync(join(dir, p01.id, f.name));
      expect(bytes.length).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
    }
    expect(await getReport(store, p01.id, [])).toEqual(p01);
  });

  it('catches up a run missed while down once, when it comes back', async () => {
    // Down from Sunday to Tuesday: the all-plants report of Monday 06:00 UTC was missed.
    const back = Date.parse('2026-11-24T09:00:00Z');
    const s = scheduler();
    const caught = await s.tick(back);
    expect(caught.map((p) => [p.record.definition, p.record.week, p.record.trigger])).toEqual([
      ['all-weekly', '2026-W47', 'catch_up'],
    ]);
    // A restarted scheduler reads what was produced from the store: nothing twice.
    expect(await scheduler().tick(back + 60_000)).toEqual([]);
    const all = await listReports(store, { plants: [], definition: 'all-weekly' });
    expect(all.map((r) => r.week)).toEqual(['2026-W47', '2026-W46']);
  });

  it('never schedules a definition whose schedule is disabled', async () => {
    const all = await listReports(store, { plants: [] });
    expect(all.some((r) => r.definition === 'manual-only')).toBe(false);
  });

  it('shows a plant-restricted reader only its plants’ reports', async () => {
    const p01 = await listReports(store, { plants: ['P01'] });
    expect(p01.length).toBe(2);
    expect(p01.every((r) => r.plant === 'P01')).toBe(true);
    expect(await listReports(store, { plants: ['P02'] })).toEqual([]);
    const allId = (await listReports(store, { plants: [], definition: 'all-weekly' }))[0]!.id;
    expect(await getReport(store, allId, ['P01'])).toBeUndefined();
  });
});
