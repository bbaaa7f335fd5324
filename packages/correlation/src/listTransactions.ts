import type { TransactionList, TransactionSort, TransactionStatus } from '@linewatch/schema';
import { sql, type SqlQuery, type Store } from '@linewatch/store';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { transactionFilters } from './flowHealth.ts';
import { transactionColumns, type TransactionRow } from './transactionRow.ts';
import { summaryFromRow } from './transactionSummary.ts';

/** Filters, order and page of the transaction list. */
export interface ListTransactionsOptions {
  from?: number;
  to?: number;
  flow?: string;
  plant?: string;
  statuses?: readonly TransactionStatus[];
  /** A prefix of the key or of any linked key. */
  key?: string;
  sort: TransactionSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
  /** The caller's plants (empty = all). */
  plants: readonly string[];
  now: number;
}

/** The value each sort orders by (late_by: how late, or for a missing step how overdue now; -1 when neither). */
function sortExpression(sort: TransactionSort, now: number): SqlQuery {
  switch (sort) {
    case 'started_at':
      return sql`toUnixTimestamp64Milli(started_at)`;
    case 'updated_at':
      return sql`toUnixTimestamp64Milli(updated_at)`;
    case 'e2e':
      return sql`ifNull(e2e_ms, -1)`;
    case 'late_by':
      return sql`ifNull(late_by_ms, if(status = 'missing', ${Math.round(now)} - ifNull(toUnixTimestamp64Milli(problem_deadline_at), ${Math.round(now)}), -1))`;
  }
}

/**
 * Lists transactions, filtered, sorted and paginated with an opaque keyset cursor (stable while
 * transactions change: a page starts strictly after the last row of the previous one).
 * @example await listTransactions(store, { statuses: ['missing'], sort: 'started_at', order: 'desc', limit: 50, plants: [], now: Date.now() })
 */
export async function listTransactions(store: Store, o: ListTransactionsOptions): Promise<TransactionList> {
  const filters: SqlQuery[] = [transactionFilters(o)];
  if (o.statuses?.length) filters.push(sql`status IN ${sql.param([...o.statuses], 'Array(String)')}`);
  if (o.key !== undefined)
    filters.push(sql`(startsWith(key, ${o.key}) OR arrayExists(k -> startsWith(k, ${o.key}), linked_keys))`);
  const by = sortExpression(o.sort, o.now);
  const queryId = JSON.stringify([o.from, o.to, o.flow, o.plant, o.statuses, o.key, o.sort, o.order]);
  if (o.cursor !== undefined) {
    const [v, key, flow] = decodeCursor(o.cursor, queryId, 3) as [number, string, string];
    const after = sql`(${by}, key, flow) ${sql.keyword(o.order === 'desc' ? '<' : '>', ['<', '>'])} (${sql.param(Number(v), 'Int64')}, ${String(key)}, ${String(flow)})`;
    filters.push(after);
  }
  const dir = sql.keyword(o.order === 'desc' ? 'DESC' : 'ASC', ['ASC', 'DESC']);
  // Filter and order on the stored columns first; the outer query only converts them (its aliases
  // would otherwise shadow the columns in WHERE: started_at as epoch ms is not a DateTime64).
  const rows = await store.query<TransactionRow & { sort_value: number }>(sql`
    SELECT ${transactionColumns}, sort_value FROM (
      SELECT *, ${by} AS sort_value
      FROM ${store.table('transactions')} FINAL
      WHERE ${sql.join(filters, ' AND ')}
      ORDER BY sort_value ${dir}, key ${dir}, flow ${dir}
      LIMIT ${o.limit + 1})
    ORDER BY sort_value ${dir}, key ${dir}, flow ${dir}`);
  const page = rows.slice(0, o.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => summaryFromRow(r, o.now)),
    nextCursor:
      rows.length > o.limit && last
        ? encodeCursor([Number(last.sort_value), last.key, last.flow], queryId)
        : null,
  };
}
