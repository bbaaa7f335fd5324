import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DashboardFileError, loadDashboards, validateDashboard } from './loadDashboards.ts';
import { bucketSeconds, namedQueries, parseQueryParams } from './namedQueries.ts';

const repoDashboards = resolve(import.meta.dirname, '../../../../dashboards');

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-dash-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const okPanel = {
  title: 'Events',
  type: 'stat',
  query: 'event_totals',
  params: { range: '$range' },
  y: ['events'],
};

describe('dashboards as code', () => {
  it('loads the shipped plant-shift and connector-owner dashboards without issues', () => {
    const ds = loadDashboards(repoDashboards, namedQueries);
    expect(ds.map((d) => d.id)).toEqual(expect.arrayContaining(['connector-owner', 'plant-shift']));
    for (const d of ds) expect(d.panels.length).toBeGreaterThan(3);
  });

  it('accepts a valid panel and takes the id from the file name', () => {
    const r = validateDashboard(
      'ok',
      { title: 'T', variables: [{ name: 'range', label: 'Range', default: '1h' }], panels: [okPanel] },
      namedQueries,
    );
    expect(r.issues).toEqual([]);
    expect(r.dashboard?.id).toBe('ok');
    expect(r.dashboard?.panels[0]?.width).toBe(6);
  });

  it('names every problem: unknown query, unknown parameter, undefined variable, bad duration, missing column', () => {
    const r = validateDashboard(
      'bad',
      {
        title: 'Bad',
        panels: [
          { title: 'a', type: 'table', query: 'no_such_query' },
          { title: 'b', type: 'stat', query: 'event_totals', params: { colour: 'red' }, y: ['events'] },
          { title: 'c', type: 'stat', query: 'event_totals', params: { plant: '$plant' }, y: ['events'] },
          { title: 'd', type: 'stat', query: 'event_totals', params: { range: 'soon' }, y: ['events'] },
          { title: 'e', type: 'timeseries', query: 'events_over_time', x: 'series', y: ['nope'] },
        ],
      },
      namedQueries,
    );
    expect(r.dashboard).toBeUndefined();
    expect(r.issues).toEqual([
      expect.stringMatching(/^panels\.0\.query: unknown query "no_such_query" \(known: .*event_totals/),
      expect.stringMatching(/^panels\.1\.params\.colour: unknown parameter of event_totals/),
      'panels.2.params: "$plant" is not a variable of this dashboard',
      'panels.3.params.range: expected a duration like "6h", got "soon"',
      'panels.4.x: column "series" is a string, expected a time',
      expect.stringMatching(/^panels\.4\.y\.0: events_over_time has no column "nope"/),
    ]);
  });

  it('reports schema problems with their path, like a time series panel without an x axis', () => {
    const r = validateDashboard(
      'x',
      { title: 'X', panels: [{ title: 'a', type: 'timeseries', query: 'events_over_time' }] },
      namedQueries,
    );
    expect(r.issues).toEqual(['panels.0.x: a timeseries panel needs "x" and "y"']);
  });

  it('fails loudly for a directory with a broken file, naming the file and every issue', () => {
    const dir = dirWith({
      'good.yaml': `title: Good\npanels:\n  - { title: a, type: stat, query: event_totals, y: [events] }\n`,
      'broken.yaml': 'title: [unclosed\n',
      'Bad Name.json': JSON.stringify({ title: 'B', panels: [] }),
    });
    let err: unknown;
    try {
      loadDashboards(dir, namedQueries);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DashboardFileError);
    const issues = (err as DashboardFileError).issues;
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/Bad Name\.json: \(file name\): "Bad Name" is not a valid dashboard id/);
    expect(issues[1]).toMatch(/Bad Name\.json: panels: a dashboard needs at least one panel/);
    expect(issues[2]).toMatch(/broken\.yaml: /);
  });

  it('rejects two files defining the same dashboard id', () => {
    const panel = `title: A\npanels:\n  - { title: a, type: stat, query: event_totals, y: [events] }\n`;
    const dir = dirWith({ 'a.yaml': panel, 'a.json': JSON.stringify({ title: 'A', panels: [okPanel] }) });
    expect(() => loadDashboards(dir, namedQueries)).toThrow(/dashboard id "a" is also defined by/);
  });

  it('treats a missing dashboards directory as no dashboards', () => {
    expect(loadDashboards(join(tmpdir(), 'lw-no-such-dir-xyz'), namedQueries)).toEqual([]);
  });
});

describe('named query parameters', () => {
  const totals = namedQueries.get('event_totals')!;
  const failures = namedQueries.get('failures_by_category')!;
  const series = namedQueries.get('events_over_time')!;

  it('applies defaults and parses durations to milliseconds', () => {
    expect(parseQueryParams(totals, { range: '2h' })).toEqual({
      ok: true,
      values: { range: 7_200_000, plant: '', flow: '', system: '' },
    });
    expect(parseQueryParams(failures, {})).toMatchObject({
      ok: true,
      values: { range: 21_600_000, limit: 20 },
    });
  });

  it('refuses out-of-range numbers, ranges over 31 days and values outside an allow-list', () => {
    const r = parseQueryParams(failures, { limit: '5000', range: '40d' });
    expect(r).toEqual({
      ok: false,
      issues: ['range: must be between 60000 ms and 2678400000 ms', 'limit: must be between 1 and 1000'],
    });
    expect(parseQueryParams(series, { by: 'ServiceName; DROP TABLE x' })).toMatchObject({
      ok: false,
      issues: [expect.stringMatching(/^by: expected one of flow, plant, system, outcome/)],
    });
  });

  it('picks a time bucket of about 120 points and never under a minute', () => {
    expect(bucketSeconds(3_600_000)).toBe(60);
    expect(bucketSeconds(6 * 3_600_000)).toBe(300);
    expect(bucketSeconds(24 * 3_600_000)).toBe(900);
    expect(bucketSeconds(31 * 86_400_000)).toBe(43200);
  });
});
