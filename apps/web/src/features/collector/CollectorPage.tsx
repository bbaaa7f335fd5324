import { useQuery } from '@tanstack/react-query';
import { QueryResultSchema, type QueryCell } from '@linewatch/schema';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { WindowPicker } from '../../components/WindowPicker.tsx';
import { Chart } from '../../components/charts/LazyChart.tsx';
import { pivotSeries } from '../../components/charts/pivot.ts';
import { formatCount, humanize } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';
import { useUrlState } from '../../lib/urlState.ts';
import { useLive } from '../../lib/live.tsx';

/** `/readyz`: ready, or the reasons each component gives for not being ready. */
interface Readiness {
  status: string;
  reasons?: Record<string, string>;
}

/** Reads /readyz, whose 503 answer carries the reasons (it is not an error body). */
function useReadiness() {
  const { interval } = useLive();
  return useQuery({
    queryKey: ['/readyz'],
    refetchInterval: interval,
    queryFn: async ({ signal }): Promise<Readiness> => {
      const res = await fetch('/readyz', { signal });
      const body = (await res.json()) as Partial<Readiness>;
      if (typeof body.status !== 'string')
        throw new Error(`/readyz answered HTTP ${res.status} without a status`);
      return { status: body.status, reasons: body.reasons };
    },
  });
}

const REJECTED = new Set(['rejected', 'refused', 'insert_failed', 'dropped', 'invalid']);

/** Rejections grouped by measure and reason, most first. */
export function rejectionsByReason(rows: readonly Record<string, QueryCell>[]) {
  const out = new Map<string, { measure: string; reason: string; signal: string; value: number }>();
  for (const r of rows) {
    const measure = String(r.measure ?? '');
    if (!REJECTED.has(measure)) continue;
    const reason = String(r.reason || '(none)');
    const key = `${measure}|${reason}|${String(r.signal)}`;
    const prev = out.get(key);
    const value = Number(r.value ?? 0);
    if (prev) prev.value += value;
    else out.set(key, { measure, reason, signal: String(r.signal ?? ''), value });
  }
  return [...out.values()].filter((x) => x.value > 0).sort((a, b) => b.value - a.value);
}

function SeriesCard({
  title,
  params,
  unit,
  kind = 'line',
  span = 6,
}: {
  title: string;
  params: Record<string, string>;
  unit?: string;
  kind?: 'line' | 'area';
  span?: number;
}) {
  const q = useApi('/api/v1/queries/collector_self_over_time', QueryResultSchema, params);
  return (
    <section className={`card span-${span}`} aria-label={title}>
      <h2>{title}</h2>
      <QueryView
        query={q}
        what={title.toLowerCase()}
        isEmpty={(d) => d.rows.length === 0}
        empty="Nothing reported in this range."
      >
        {(d) => {
          const { data, keys } = pivotSeries(d.rows, 't', ['value'], 'series');
          return <Chart data={data} x="t" keys={keys} unit={unit} kind={kind} label={title} />;
        }}
      </QueryView>
    </section>
  );
}

/** Collector health: readiness, ingest rates, rejections by reason, spool size. */
export default function CollectorPage() {
  const [f, setF] = useUrlState({ window: '1h' });
  const ready = useReadiness();
  const totals = useApi('/api/v1/queries/collector_self_totals', QueryResultSchema, { range: f.window });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Collector health</h1>
          <div className="muted small">
            The collector's own telemetry (table linewatch_self; Prometheus at /metrics).
          </div>
        </div>
        <WindowPicker value={f.window} onChange={(window) => setF({ window })} />
      </div>
      <section className="card" style={{ marginBottom: 'var(--gap)' }} aria-label="Readiness">
        {ready.data ? (
          <div>
            <HealthBadge
              health={ready.data.status === 'ready' ? 'healthy' : 'failing'}
              label={ready.data.status.replace('_', ' ')}
            />
            {Object.entries(ready.data.reasons ?? {}).map(([name, why]) => (
              <div key={name} className="small">
                <strong>{name}</strong>: {why}
              </div>
            ))}
          </div>
        ) : ready.isError ? (
          <div>
            <HealthBadge health="failing" label="not ready" />{' '}
            <span className="small">{ready.error.message}</span>
          </div>
        ) : (
          <span className="muted">checking readiness…</span>
        )}
      </section>
      <div className="grid">
        <SeriesCard
          title="Rows stored per table"
          params={{ range: f.window, measure: 'inserted', by: 'signal' }}
          unit="count"
          kind="area"
        />
        <SeriesCard
          title="Rows spooled per table"
          params={{ range: f.window, measure: 'spooled', by: 'signal' }}
          unit="count"
        />
        <SeriesCard
          title="Spool size"
          params={{ range: f.window, measure: 'spool_bytes', by: 'measure', agg: 'max' }}
          unit="bytes"
        />
        <SeriesCard
          title="Rejections by reason"
          params={{ range: f.window, measure: 'rejected', by: 'reason' }}
          unit="count"
        />
        <section className="card span-12" aria-label="Rejections">
          <h2>Rejected and refused items</h2>
          <QueryView
            query={totals}
            what="collector totals"
            isEmpty={(d) => rejectionsByReason(d.rows).length === 0}
            empty="Nothing was rejected in this range."
          >
            {(d) => (
              <table className="data">
                <thead>
                  <tr>
                    <th>What</th>
                    <th>Reason</th>
                    <th>Signal / table</th>
                    <th className="num">Items</th>
                  </tr>
                </thead>
                <tbody>
                  {rejectionsByReason(d.rows).map((r) => (
                    <tr key={`${r.measure}|${r.reason}|${r.signal}`}>
                      <td>{humanize(r.measure)}</td>
                      <td>{humanize(r.reason)}</td>
                      <td>{r.signal}</td>
                      <td className="num">{formatCount(r.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryView>
        </section>
      </div>
    </>
  );
}
