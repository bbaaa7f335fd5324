import { describe, expect, it } from 'vitest';
import { csvField, renderCsv } from './renderCsv.ts';
import { csvRecords, parseCsv } from './testing/parseCsv.ts';
import { sampleReport } from './testing/sampleReport.ts';

const files = () => new Map(renderCsv(sampleReport()).map((f) => [f.name, f.content]));

describe('the CSV export', () => {
  it('writes one file per table, each with a header row and CRLF records', () => {
    const f = files();
    expect([...f.keys()]).toEqual([
      'summary.csv',
      'flows.csv',
      'error_categories.csv',
      'worst_transactions.csv',
      'trend.csv',
      'incidents.csv',
    ]);
    for (const [name, text] of f) {
      expect(text.endsWith('\r\n'), name).toBe(true);
      const rows = parseCsv(text);
      expect(rows[0]?.length, name).toBeGreaterThan(1);
      for (const r of rows) expect(r.length, name).toBe(rows[0]?.length);
    }
  });

  it('quotes fields with commas, quotes and newlines as RFC 4180 has it, and reads back the same text', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    const worst = csvRecords(files().get('worst_transactions.csv') ?? '');
    expect(worst[0]?.reason).toBe('start failed: "quoted", with comma\nand a newline');
  });

  it('neutralises text cells that a spreadsheet would run as a formula, never numbers', () => {
    for (const c of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx']) expect(csvField(c).startsWith("'")).toBe(true);
    expect(csvField(-0.6)).toBe('-0.6');
    const worst = csvRecords(files().get('worst_transactions.csv') ?? '');
    expect(worst[0]?.business_key).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(worst[1]?.reason).toBe(`'@SUM(A1) & <b>bold</b>`);
    const flow = csvRecords(files().get('flows.csv') ?? '')[0];
    // 1 % of 100 finished may miss: 1 allowed, 9 spent: 900 % used, -800 % left, written as numbers.
    expect(flow?.error_budget_remaining_pct).toBe('-800');
  });

  it('names units in the columns and writes times as ISO 8601', () => {
    const f = files();
    const flow = csvRecords(f.get('flows.csv') ?? '')[0];
    expect(flow).toMatchObject({
      plant: 'all',
      volume_transactions: '100',
      on_time_pct: '91',
      p95_e2e_ms: '3720000',
    });
    const worst = csvRecords(f.get('worst_transactions.csv') ?? '')[0];
    expect(worst).toMatchObject({ started_at: '2026-11-16T00:00:00.000Z', overdue_s: '7200', rank: '1' });
    expect(worst?.timeline_url).toBe(
      `https://lw.example/transactions/release/${encodeURIComponent('=HYPERLINK("http://evil","x")')}`,
    );
    expect(csvRecords(f.get('summary.csv') ?? '')[0]).toMatchObject({
      week: '2026-W47',
      time_zone: 'Europe/Berlin',
      week_start: '2026-11-15T23:00:00.000Z',
      hours: '168',
      scope: 'plant:P01',
    });
  });
});
