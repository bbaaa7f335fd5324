import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { compactRows } from './compactRows.ts';
import { stringSet } from './sqlValues.ts';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore({ migrate: false });
});
afterAll(() => store.drop());

describe('compact reads', () => {
  it('returns strings with the delimiters, escapes, newlines and separators in them unchanged', async () => {
    const odd = ['a|b', '100%', 'line\nbreak', 'x%7Cy', 'tab\there', 'rs\u001erecord', '', 'MO/00042'];
    const rows = await compactRows(
      store,
      [{ expr: sql`v`, string: true }, { expr: sql`length(v)` }, { expr: sql`NULL` }],
      sql`(SELECT value AS v FROM ${stringSet(odd)})`,
    );
    // stringSet passes values holding its separator separately, so they come back last.
    expect(rows.map((r) => r[0]).sort()).toEqual([...odd].sort());
    for (const r of rows) expect(Number(r[1])).toBe(Buffer.byteLength(r[0] as string));
    expect(rows.map((r) => r[2])).toEqual(odd.map(() => ''));
  });

  it('returns no rows for an empty result', async () => {
    expect(await compactRows(store, [{ expr: sql`number` }], sql`numbers(0)`)).toEqual([]);
  });
});
