import { Link } from 'react-router';
import type { FlowHealth, FlowHealthRow } from '@linewatch/schema';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { Select } from '../../components/Select.tsx';
import { WindowPicker } from '../../components/WindowPicker.tsx';
import { Chart } from '../../components/charts/LazyChart.tsx';
import { pivotSeries } from '../../components/charts/pivot.ts';
import { formatCount, formatRatio } from '../../lib/format.ts';
import { flowRowHealth, worstFirst } from '../../lib/health.ts';
import { toSearch, useUrlState } from '../../lib/urlState.ts';
import { ActiveScenarios } from '../demo/ActiveScenarios.tsx';
import { TransactionTable } from '../transactions/TransactionTable.tsx';
import { DataLagNotice } from './DataLagNotice.tsx';
import { HealthTile } from './HealthTile.tsx';
import { OpenAlerts } from './OpenAlerts.tsx';
import { buildMatrix, useEventTrend, useFlowHealth, useProblemTransactions } from './queries.ts';

const TIERS = ['production', 'quality', 'shipping', 'inventory', 'finance', 'informational'] as const;

function totals(rows: readonly FlowHealthRow[]) {
  const sum = (k: 'volume' | 'onTime' | 'late' | 'missing' | 'failed' | 'inProgress') =>
    rows.reduce((a, r) => a + r[k], 0);
  const finished = sum('volume') - sum('inProgress');
  return {
    volume: sum('volume'),
    inProgress: sum('inProgress'),
    late: sum('late'),
    missing: sum('missing'),
    failed: sum('failed'),
    onTimeRatio: finished > 0 ? sum('onTime') / finished : null,
  };
}

function Stats({ rows }: { rows: readonly FlowHealthRow[] }) {
  const t = totals(rows);
  const stat = (label: string, value: string, tone?: 'bad' | 'warn' | 'good') => (
    <div className={`stat ${tone ?? ''}`}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
  return (
    <div className="stats" aria-label="Totals">
      {stat('Transactions started', formatCount(t.volume))}
      {stat(
        'On time',
        formatRatio(t.onTimeRatio),
        t.onTimeRatio === null
          ? undefined
          : t.onTimeRatio >= 0.99
            ? 'good'
            : t.onTimeRatio >= 0.95
              ? 'warn'
              : 'bad',
      )}
      {stat('Missing', formatCount(t.missing), t.missing ? 'bad' : 'good')}
      {stat('Failed', formatCount(t.failed), t.failed ? 'bad' : 'good')}
      {stat('Late', formatCount(t.late), t.late ? 'warn' : 'good')}
      {stat('In progress', formatCount(t.inProgress))}
    </div>
  );
}

function Matrix({ data, window }: { data: FlowHealth; window: string }) {
  const m = buildMatrix(data.flows, data.plants);
  return (
    <div className="table-wrap">
      <table className="matrix" aria-label="Plant × flow health">
        <thead>
          <tr>
            <th scope="col">Flow</th>
            <th scope="col" className="col">
              All plants
            </th>
            {m.plants.map((p) => (
              <th key={p} scope="col" className="col">
                {p}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {m.flows.map((f) => (
            <tr key={f.flow}>
              <th scope="row" className="flow-name">
                <Link to={`/flows/${encodeURIComponent(f.flow)}${toSearch({ window })}`}>{f.name}</Link>
                <div className="small muted">{f.criticality}</div>
              </th>
              <td>
                <HealthTile row={f} window={window} />
              </td>
              {m.plants.map((p) => {
                const row = m.cell(f.flow, p);
                return (
                  <td key={p}>
                    {row ? (
                      <HealthTile row={row} window={window} />
                    ) : (
                      <span className="tile empty" aria-label={`${f.name} at ${p}: not running`}>
                        –
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Problems grouped by the criticality of the flows they hurt, most severe first. */
function ImpactTiers({ data, window }: { data: FlowHealth; window: string }) {
  const tiers = TIERS.map((tier) => {
    const rows = data.flows.filter((f) => f.criticality === tier);
    const hurting = rows.filter((r) => ['failing', 'degraded'].includes(flowRowHealth(r)));
    return { tier, rows, hurting, t: totals(rows) };
  }).filter((x) => x.rows.length > 0);
  if (tiers.length === 0) return <div className="state">No flows loaded.</div>;
  return (
    <table className="data" aria-label="Problems by flow criticality">
      <thead>
        <tr>
          <th>Criticality</th>
          <th className="num">Missing</th>
          <th className="num">Failed</th>
          <th className="num">Late</th>
          <th>Flows hurting</th>
        </tr>
      </thead>
      <tbody>
        {tiers.map(({ tier, hurting, t }) => (
          <tr key={tier}>
            <td>
              <HealthBadge
                health={
                  hurting.some((r) => flowRowHealth(r) === 'failing')
                    ? 'failing'
                    : hurting.length
                      ? 'degraded'
                      : 'healthy'
                }
                label={tier}
              />
            </td>
            <td className="num">{formatCount(t.missing)}</td>
            <td className="num">{formatCount(t.failed)}</td>
            <td className="num">{formatCount(t.late)}</td>
            <td>
              {hurting.length === 0 ? (
                <span className="muted">none</span>
              ) : (
                <span className="chips">
                  {hurting.map((r) => (
                    <Link
                      key={r.flow}
                      className="chip"
                      to={`/transactions${toSearch({ flow: r.flow, status: 'failed,missing,late', window })}`}
                    >
                      {r.name}
                    </Link>
                  ))}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Trend({ window, plant }: { window: string; plant: string }) {
  const q = useEventTrend(window, plant || undefined);
  return (
    <QueryView query={q} what="event trend" isEmpty={(d) => d.rows.length === 0} skeletonHeight="14rem">
      {(d) => {
        const { data, keys } = pivotSeries(d.rows, 't', ['events'], 'series');
        return (
          <Chart
            data={data}
            x="t"
            keys={keys}
            kind="area"
            unit="count"
            label="Business events per time bucket by outcome"
            colors={{ ok: '#22c55e', failed: '#ef4444', dead_lettered: '#b91c1c', retried: '#f59e0b' }}
          />
        );
      }}
    </QueryView>
  );
}

/** Overview: is anything hurting production right now, where, and why. */
export default function OverviewPage() {
  const [f, setF] = useUrlState({ window: '6h', plant: '' });
  const health = useFlowHealth(f.window, f.plant || undefined);
  const problems = useProblemTransactions(f.window, f.plant || undefined);
  const plants = [
    ...new Set((health.data?.plants ?? []).map((r) => r.plant).filter((p): p is string => !!p)),
  ].sort();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Plants and flows</h1>
          <div className="muted small">
            Transactions started in the last {f.window}; a tile opens what is behind it.
          </div>
        </div>
        <div className="filters" style={{ marginBottom: 0 }}>
          <Select label="Plant" value={f.plant} options={plants} onChange={(plant) => setF({ plant })} />
          <WindowPicker value={f.window} onChange={(window) => setF({ window })} />
        </div>
      </div>
      <ActiveScenarios />
      <QueryView
        query={health}
        what="flow health"
        isEmpty={(d) => d.flows.length === 0}
        empty="No flows have started a transaction yet. Flows load from flows/*.yaml; events arrive on POST /v1/events."
      >
        {(d) => (
          <>
            <DataLagNotice lagMs={d.dataLagMs} />
            <Stats rows={d.flows} />
            <div className="grid">
              <section className="card span-8" aria-labelledby="matrix-h">
                <div className="card-head">
                  <h2 id="matrix-h">Health by plant and flow</h2>
                  <span className="legend small">
                    <HealthBadge health="healthy" /> <HealthBadge health="degraded" />{' '}
                    <HealthBadge health="failing" /> <HealthBadge health="idle" />
                  </span>
                </div>
                <Matrix data={d} window={f.window} />
              </section>
              <section className="card span-4" aria-labelledby="tiers-h">
                <div className="card-head">
                  <h2 id="tiers-h">Open alerts by impact tier</h2>
                  <Link className="small" to="/alerts">
                    all alerts →
                  </Link>
                </div>
                <OpenAlerts plant={f.plant} />
                <h3>Problems by flow criticality</h3>
                <ImpactTiers data={d} window={f.window} />
              </section>
            </div>
          </>
        )}
      </QueryView>
      <div className="grid" style={{ marginTop: 'var(--gap)' }}>
        <section className="card span-6" aria-labelledby="worst-h">
          <div className="card-head">
            <h2 id="worst-h">Worst transactions right now</h2>
            <Link
              className="small"
              to={`/transactions${toSearch({ status: 'failed,missing,late', window: f.window, plant: f.plant })}`}
            >
              all problems →
            </Link>
          </div>
          <QueryView
            query={problems}
            what="problem transactions"
            isEmpty={(d) => d.items.length === 0}
            empty="No failed, missing or late transactions in this range."
          >
            {(d) => <TransactionTable items={worstFirst(d.items).slice(0, 5)} compact />}
          </QueryView>
        </section>
        <section className="card span-6" aria-labelledby="trend-h">
          <h2 id="trend-h">Throughput and failures</h2>
          <Trend window={f.window} plant={f.plant} />
        </section>
      </div>
    </>
  );
}
