import type { SearchMatch, SearchResponse, SearchResult } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import type { FlowSnapshot } from './flowRegistry.ts';
import { listUnmatched } from './listUnmatched.ts';
import { stringSet } from './sqlValues.ts';
import { transactionColumns, type TransactionRow } from './transactionRow.ts';
import { summaryFromRow } from './transactionSummary.ts';

interface EventHit {
  id: string;
  trace_id: string;
  flow: string;
  step: string;
  key: string;
}

/**
 * One box: finds transactions by business key (or linked key; exact, then by prefix), by trace id
 * (the transactions whose events reference it) or by event id; and unmatched events under that key.
 * @example await searchTransactions(store, flows.snapshot(), 'MO/00042', { limit: 20, plants: [], now: Date.now() })
 */
export async function searchTransactions(
  store: Store,
  snapshot: FlowSnapshot,
  q: string,
  options: { limit: number; plants: readonly string[]; now: number },
): Promise<SearchResponse> {
  const txns = store.table('transactions');
  const plantFilter = options.plants.length
    ? sql`plant IN ${sql.param([...options.plants], 'Array(String)')}`
    : sql`1`;
  const traceLike = /^[0-9a-f]{32}$/.test(q);
  const [byKey, byPrefix, events, unmatched] = await Promise.all([
    store.query<TransactionRow>(sql`
      SELECT ${transactionColumns} FROM ${txns} FINAL
      WHERE (key = ${q} OR has(linked_keys, ${q})) AND ${plantFilter}
      ORDER BY started_at DESC LIMIT ${options.limit}`),
    store.query<TransactionRow>(sql`
      SELECT ${transactionColumns} FROM ${txns} FINAL
      WHERE startsWith(key, ${q}) AND key != ${q} AND ${plantFilter}
      ORDER BY key LIMIT ${options.limit}`),
    store.query<EventHit>(sql`
      SELECT id, trace_id, CAST(flow, 'String') AS flow, CAST(step, 'String') AS step, key
      FROM ${store.table('business_events')}
      WHERE ${traceLike ? sql`(trace_id = ${q} OR id = ${q})` : sql`id = ${q}`}
      LIMIT 1 BY id LIMIT 100`),
    listUnmatched(store, { key: q, limit: options.limit, plants: options.plants }),
  ]);

  const results: SearchResult[] = [];
  const seen = new Set<string>();
  const add = (row: TransactionRow, matchedBy: SearchMatch, matched: string) => {
    const id = `${row.flow}\u0000${row.key}`;
    if (seen.has(id) || results.length >= options.limit) return;
    seen.add(id);
    results.push({ matchedBy, matched, transaction: summaryFromRow(row, options.now) });
  };
  for (const r of byKey) add(r, r.key === q ? 'key' : 'linked_key', q);

  if (events.length) {
    // Events name their key; the transaction is the one that key belongs to (directly or linked).
    const keys = [...new Set(events.map((e) => e.key))];
    const owners = await store.query<TransactionRow>(sql`
      SELECT ${transactionColumns} FROM ${txns} FINAL
      WHERE (key IN ${stringSet(keys)} OR hasAny(linked_keys, ${sql.param(keys, 'Array(String)')})) AND ${plantFilter}
      LIMIT ${options.limit * 4}`);
    for (const e of events) {
      const flows = e.flow ? [e.flow] : (snapshot.stepFlows.get(e.step) ?? []);
      for (const row of owners)
        if (flows.includes(row.flow) && (row.key === e.key || row.linked_keys.includes(e.key)))
          add(row, e.id === q ? 'event_id' : 'trace_id', q);
    }
  }
  for (const r of byPrefix) add(r, 'key', r.key);
  return { query: q, results, unmatched: unmatched.items };
}
