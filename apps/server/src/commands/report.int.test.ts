import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFlows } from '@linewatch/correlation';
import { LinewatchConfigSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { exportReport } from './report.ts';

// `linewatch report`: the export on real chDB in-process, and the command itself as a process.

const root = resolve(import.meta.dirname, '../../../..');
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const config = LinewatchConfigSchema.parse({ plants: { P01: { timeZone: 'Europe/Paris' } } });
const flows = loadFlows(join(root, 'flows')).flows.map((f) => f.flow);

let store: TestStore;
let dir: string;

beforeAll(async () => {
  store = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
  await store.insert('transactions', [
    {
      key: '=cmd|calc',
      flow: 'production_confirmation',
      plant: 'P01',
      status: 'failed',
      started_at: iso(Date.parse('2026-11-17T08:00:00Z')),
      error_category: 'mes_unreachable',
      updated_at: iso(Date.parse('2026-11-17T08:00:00Z')),
      version: 1,
      is_deleted: 0,
    },
  ]);
});
afterAll(async () => {
  await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('linewatch report', () => {
  it('writes a plant’s week as PDF, in the plant’s time zone', async () => {
    const out = join(dir, 'p01.pdf');
    const r = await exportReport(store, config, flows, {
      week: '2026-W47',
      plant: 'P01',
      format: 'pdf',
      out,
      now: Date.parse('2026-11-24T09:00:00Z'),
    });
    expect(r).toMatchObject({ week: '2026-W47', pdfEngine: 'chromium', files: [out] });
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('writes one CSV file per table into a directory, with the business key neutralised', async () => {
    const out = join(dir, 'csv');
    await exportReport(store, config, flows, { week: '2026-W47', format: 'csv', out, now: Date.now() });
    expect(readdirSync(out).sort()).toEqual([
      'error_categories.csv',
      'flows.csv',
      'incidents.csv',
      'summary.csv',
      'trend.csv',
      'worst_transactions.csv',
    ]);
    expect(readFileSync(join(out, 'worst_transactions.csv'), 'utf8')).toContain(",'=cmd|calc,failed,");
  });

  it('refuses a week that does not exist', async () => {
    await expect(
      exportReport(store, config, flows, { week: '2026-W60', format: 'html', out: join(dir, 'x'), now: 0 }),
    ).rejects.toThrow(/2026-W60 does not exist/);
  });

  it('runs as a command against the store of a config file', async () => {
    const cfg = join(dir, 'linewatch.yaml');
    writeFileSync(
      cfg,
      `store:\n  dataDir: ${join(dir, 'data')}\npaths:\n  flows: ${join(root, 'flows')}\nplants:\n  P01: { timeZone: Europe/Paris }\n`,
    );
    const out = join(dir, 'cli.html');
    const { stdout } = await promisify(execFile)(
      join(root, 'node_modules/.bin/tsx'),
      [
        join(root, 'apps/server/src/cli.ts'),
        'report',
        '--week',
        '2026-W47',
        '--plant',
        'P01',
        '--format',
        'html',
        '--out',
        out,
        '-c',
        cfg,
      ],
      { cwd: root, env: { ...process.env, LINEWATCH_CONFIG: '' } },
    );
    expect(stdout).toMatch(/^report 2026-W47: wrote .*cli\.html in \d+ ms\n$/);
    expect(readFileSync(out, 'utf8')).toContain('Weekly SLA report, plant P01, 2026-W47');
  }, 60_000);
});
