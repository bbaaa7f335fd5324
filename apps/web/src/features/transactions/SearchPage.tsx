import { Link, Navigate } from 'react-router';
import { SearchResponseSchema } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { useApi } from '../../lib/useApi.ts';
import { useUrlState } from '../../lib/urlState.ts';
import { formatTime, humanize } from '../../lib/format.ts';
import { TransactionTable, transactionHref } from './TransactionTable.tsx';

const MATCHED: Record<string, string> = {
  key: 'business key',
  linked_key: 'linked key',
  trace_id: 'trace id',
  event_id: 'event id',
};

/** Search results for a business key, linked key, trace id or event id; one hit opens it directly. */
export default function SearchPage() {
  const [f] = useUrlState({ q: '' });
  const q = useApi(
    '/api/v1/search',
    SearchResponseSchema,
    { q: f.q, limit: 50 },
    { enabled: f.q.trim() !== '', live: false },
  );
  if (!f.q.trim())
    return <div className="state">Type a business key, trace id or event id in the search box.</div>;
  return (
    <>
      <div className="page-head">
        <h1>
          Search: <span className="mono">{f.q}</span>
        </h1>
      </div>
      <QueryView
        query={q}
        what="search results"
        isEmpty={(d) => d.results.length === 0 && d.unmatched.length === 0}
        empty={`Nothing matches "${f.q}" as a business key, linked key, trace id or event id.`}
      >
        {(d) => {
          const only = d.results.length === 1 && d.unmatched.length === 0 ? d.results[0] : undefined;
          if (only) return <Navigate to={transactionHref(only.transaction)} replace />;
          return (
            <>
              {d.results.length > 0 && (
                <section className="card" style={{ marginBottom: 'var(--gap)' }}>
                  <h2>Transactions</h2>
                  <p className="small muted">
                    Matched by{' '}
                    {[...new Set(d.results.map((r) => MATCHED[r.matchedBy] ?? r.matchedBy))].join(', ')}.
                  </p>
                  <TransactionTable items={d.results.map((r) => r.transaction)} />
                </section>
              )}
              {d.unmatched.length > 0 && (
                <section className="card">
                  <h2>Events in no transaction</h2>
                  <table className="data">
                    <thead>
                      <tr>
                        <th>Key</th>
                        <th>Step</th>
                        <th>System</th>
                        <th>Plant</th>
                        <th>Why unmatched</th>
                        <th>Last</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.unmatched.map((u) => (
                        <tr key={`${u.flow}|${u.key}|${u.step}`}>
                          <td className="mono">{u.key}</td>
                          <td>{u.step}</td>
                          <td>{u.system}</td>
                          <td>{u.plant}</td>
                          <td>
                            {humanize(u.reason)} <span className="small muted">{u.detail}</span>
                          </td>
                          <td>{formatTime(u.lastAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <Link to="/unmatched" className="small">
                    All unmatched events →
                  </Link>
                </section>
              )}
            </>
          );
        }}
      </QueryView>
    </>
  );
}
