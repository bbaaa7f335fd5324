import { sql, type SqlQuery, type Store } from '@linewatch/store';

// Many small rows are expensive on the embedded engine's JSON result path (measured ≈ 8 µs per row
// plus ≈ 50 ns per byte through the chDB binding, against ≈ 1-2 µs per row to compute them), so
// bulk reads come back as one string: rows joined by '\n', fields by '|', strings percent-escaped
// ('%' '|' '\n' only), which JSON leaves unescaped and JS splits in a few milliseconds.

/** A column of a compact read: an expression, and whether it is a String to escape (else any scalar). */
export interface CompactColumn {
  expr: SqlQuery;
  string?: boolean;
}

const escaped = (expr: SqlQuery) =>
  sql`replaceAll(replaceAll(replaceAll(${expr}, '%', '%25'), '|', '%7C'), '\n', '%0A')`;

function unescape(field: string): string {
  return field.includes('%')
    ? field.replaceAll('%0A', '\n').replaceAll('%7C', '|').replaceAll('%25', '%')
    : field;
}

/**
 * Reads `columns` of every row of `from` (a subquery or table expression) as string fields in one
 * result string. Keep reads bounded: the whole result is one value in memory.
 * @example await compactRows(store, [{ expr: sql`key`, string: true }, { expr: sql`count()` }], sql`(SELECT …)`)
 */
export async function compactRows(
  store: Store,
  columns: readonly CompactColumn[],
  from: SqlQuery,
): Promise<string[][]> {
  // ifNull: one NULL field would make the whole row NULL, and groupArray skips NULLs.
  const fields = columns.map((c) =>
    c.string ? escaped(sql`ifNull(${c.expr}, '')`) : sql`ifNull(toString(${c.expr}), '')`,
  );
  const [row] = await store.query<{ j: string }>(sql`
    SELECT arrayStringConcat(groupArray(concatWithSeparator('|', ${sql.join(fields, ', ')})), '\n') AS j
    FROM ${from}`);
  const text = row?.j ?? '';
  if (text === '') return [];
  const lines = text.split('\n');
  const out: string[][] = new Array<string[]>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const parts = (lines[i] as string).split('|');
    for (let j = 0; j < parts.length; j++) parts[j] = unescape(parts[j] as string);
    out[i] = parts;
  }
  return out;
}
