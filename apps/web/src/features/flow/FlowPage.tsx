import { Link, useParams } from 'react-router';
import { QueryResultSchema, type FlowHealthRow } from '@linewatch/schema';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { Select } from '../../components/Select.tsx';
import { WindowPicker } from '../../components/WindowPicker.tsx';
import { Chart } from '../../components/charts/LazyChart.tsx';
import { formatCount, formatMs, formatRatio } from '../../lib/format.ts';
import { flowRowHealth } from '../../lib/health.ts';
import { useApi } from '../../lib/useApi.ts';
import { toSearch, useUrlState } from '../../lib/urlState.ts';
import { useFlowHealth, useFlows } from '../overview/queries.ts';
import { burnRate, sloSeries, stepGaps } from './flowMath.ts';

const STATUS_COLORS = {
  on_time: '#22c55e',
  late: '#f59e0b',
  missing: '#ef4444',
  failed: '#b91c1c',
  in_progress: '#64748b',
};

function StatusBreakdown({ row, window }: { row: FlowHealthRow; window: string }) {
  const items: [string, number, string][] = [
    ['completed', row.completed, 'completed'],
    ['recovered', row.recovered, 'recovered'],
    ['late', row.late, 'late'],
    ['missing', row.missing, 'missing'],
    ['failed', row.failed, 'failed'],
    ['duplicate', row.duplicate, 'duplicate'],
    ['in progress', row.inProgress, 'in_progress'],
  ];
  return (
    <table className="data" aria-label="Status breakdown">
      <tbody>
        {items.map(([label, n, status]) => (
          <tr key={label}>
            <td>
              <Link to={`/transactions${toSearch({ flow: row.flow, plant: row.plant, status, window })}`}>
                {label}
              </Link>
            </td>
            <td className="num">{formatCount(n)}</td>
            <td className="num muted">{row.volume ? formatRatio(n / row.volume) : '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Flow: one flow's volume, on-time %, end-to-end percentiles, status breakdown, step latency, plants, SLO. */
export default function FlowPage() {
  const { flow = '' } = useParams();
  const [f, setF] = useUrlState({ window: '24h', plant: '' });
  const flows = useFlows();
  const def = flows.data?.flows.find((x) => x.id === flow);
  const health = useFlowHealth(f.window, undefined, flow);
  const series = useApi('/api/v1/queries/transactions_over_time', QueryResultSchema, {
    range: f.window,
    flow,
    plant: f.plant,
  });
  const steps = useApi('/api/v1/queries/step_latency', QueryResultSchema, {
    range: f.window,
    flow,
    plant: f.plant,
  });
  const plantRows = health.data?.plants ?? [];
  const row = f.plant ? plantRows.find((r) => r.plant === f.plant) : health.data?.flows[0];
  const target = row?.sloTarget ?? def?.slo.onTimeTarget ?? 0.99;
  return (
    <>
      <div className="breadcrumbs">
        <Link to={`/${toSearch({ window: f.window })}`}>Overview</Link> / flow
      </div>
      <div className="page-head">
        <div>
          <h1>
            {def?.name ?? row?.name ?? flow} {row && <HealthBadge health={flowRowHealth(row)} />}
          </h1>
          <div className="muted small">
            {def
              ? `${def.criticality} · owner ${def.owner} · key ${def.key} · on-time target ${formatRatio(def.slo.onTimeTarget)}`
              : flow}
          </div>
        </div>
        <div className="filters" style={{ marginBottom: 0 }}>
          <Select
            label="Plant"
            value={f.plant}
            options={plantRows.map((r) => r.plant).filter((p): p is string => !!p)}
            onChange={(plant) => setF({ plant })}
          />
          <WindowPicker value={f.window} onChange={(window) => setF({ window })} />
        </div>
      </div>
      <QueryView
        query={health}
        what="flow health"
        isEmpty={(d) => d.flows.length === 0}
        empty={`No transactions of ${flow} started in the last ${f.window}.`}
      >
        {() =>
          row ? (
            <>
              <div className="stats">
                <div className="stat">
                  <div className="label">Volume</div>
                  <div className="value">{formatCount(row.volume)}</div>
                </div>
                <div className={`stat ${row.sloMet === false ? 'bad' : row.sloMet ? 'good' : ''}`}>
                  <div className="label">On time (target {formatRatio(target)})</div>
                  <div className="value">{formatRatio(row.onTimeRatio)}</div>
                </div>
                <div className="stat">
                  <div className="label">SLO attainment</div>
                  <div className="value">{formatRatio(row.sloAttainment)}</div>
                </div>
                <div className={`stat ${(burnRate(row.onTimeRatio, target) ?? 0) > 1 ? 'bad' : ''}`}>
                  <div className="label">Error budget burn</div>
                  <div className="value">{burnRate(row.onTimeRatio, target)?.toFixed(2) ?? '–'}×</div>
                </div>
                <div className="stat">
                  <div className="label">End to end p50</div>
                  <div className="value">{formatMs(row.p50E2eMs)}</div>
                </div>
                <div className="stat">
                  <div className="label">End to end p95</div>
                  <div className="value">{formatMs(row.p95E2eMs)}</div>
                </div>
              </div>
              <div className="grid">
                <section className="card span-8" aria-labelledby="vol-h">
                  <h2 id="vol-h">Volume by outcome</h2>
                  <QueryView query={series} what="transaction series" isEmpty={(d) => d.rows.length === 0}>
                    {(d) => (
                      <Chart
                        data={d.rows}
                        x="t"
                        keys={['on_time', 'late', 'missing', 'failed', 'in_progress']}
                        colors={STATUS_COLORS}
                        names={{ on_time: 'on time', in_progress: 'in progress' }}
                        kind="bar"
                        unit="count"
                        label="Transactions started per time bucket by outcome"
                      />
                    )}
                  </QueryView>
                </section>
                <section className="card span-4" aria-labelledby="st-h">
                  <h2 id="st-h">Status breakdown</h2>
                  <StatusBreakdown row={row} window={f.window} />
                </section>
                <section className="card span-6" aria-labelledby="e2e-h">
                  <h2 id="e2e-h">End-to-end time</h2>
                  <QueryView
                    query={series}
                    what="end-to-end percentiles"
                    isEmpty={(d) => d.rows.length === 0}
                  >
                    {(d) => (
                      <Chart
                        data={d.rows}
                        x="t"
                        keys={['p50_e2e_ms', 'p95_e2e_ms']}
                        names={{ p50_e2e_ms: 'p50', p95_e2e_ms: 'p95' }}
                        unit="ms"
                        label="End-to-end time percentiles per bucket"
                      />
                    )}
                  </QueryView>
                </section>
                <section className="card span-6" aria-labelledby="slo-h">
                  <h2 id="slo-h">SLO: on-time % and budget burn</h2>
                  <QueryView query={series} what="SLO series" isEmpty={(d) => d.rows.length === 0}>
                    {(d) => (
                      <Chart
                        data={sloSeries(d.rows, target)}
                        x="t"
                        keys={['on_time_pct', 'target_pct']}
                        colors={{ on_time_pct: '#60a5fa', target_pct: '#f59e0b' }}
                        names={{ on_time_pct: 'on time', target_pct: 'target' }}
                        unit="percent"
                        label="On-time percentage per bucket against the target"
                      />
                    )}
                  </QueryView>
                </section>
                <section className="card span-6" aria-labelledby="steps-h">
                  <h2 id="steps-h">Step-to-step latency</h2>
                  <QueryView query={steps} what="step latency" isEmpty={(d) => d.rows.length === 0}>
                    {(d) => (
                      <table className="data" aria-label="Step latency">
                        <thead>
                          <tr>
                            <th>Step</th>
                            <th>System</th>
                            <th className="num">After start p50</th>
                            <th className="num">p95</th>
                            <th className="num">Gap from previous</th>
                          </tr>
                        </thead>
                        <tbody>
                          {stepGaps(
                            def?.steps ??
                              d.rows.map((r) => ({ id: String(r.step), name: String(r.step), system: '' })),
                            d.rows,
                          ).map((s) => (
                            <tr key={s.step}>
                              <td>{s.name}</td>
                              <td>{s.system}</td>
                              <td className="num">{formatMs(s.p50)}</td>
                              <td className="num">{formatMs(s.p95)}</td>
                              <td className="num">
                                {s.gap === null ? '–' : `${s.gap >= 0 ? '+' : ''}${formatMs(s.gap)}`}
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </QueryView>
                </section>
                <section className="card span-6" aria-labelledby="plants-h">
                  <h2 id="plants-h">Plants compared</h2>
                  {plantRows.length === 0 ? (
                    <div className="state">No plant has started this flow.</div>
                  ) : (
                    <>
                      <Chart
                        data={plantRows.map((r) => ({
                          plant: r.plant ?? '',
                          on_time_pct: r.onTimeRatio === null ? null : Math.round(r.onTimeRatio * 1000) / 10,
                        }))}
                        x="plant"
                        keys={['on_time_pct']}
                        names={{ on_time_pct: 'on time' }}
                        kind="bar"
                        timeX={false}
                        unit="percent"
                        height="10rem"
                        label="On-time percentage per plant"
                      />
                      <table className="data" aria-label="Plants">
                        <thead>
                          <tr>
                            <th>Plant</th>
                            <th className="num">Volume</th>
                            <th className="num">On time</th>
                            <th className="num">Late</th>
                            <th className="num">Missing</th>
                            <th className="num">Failed</th>
                            <th className="num">p95 e2e</th>
                          </tr>
                        </thead>
                        <tbody>
                          {plantRows.map((r) => (
                            <tr key={r.plant}>
                              <td>
                                <HealthBadge health={flowRowHealth(r)} label={r.plant ?? ''} />
                              </td>
                              <td className="num">{formatCount(r.volume)}</td>
                              <td className="num">{formatRatio(r.onTimeRatio)}</td>
                              <td className="num">{formatCount(r.late)}</td>
                              <td className="num">{formatCount(r.missing)}</td>
                              <td className="num">{formatCount(r.failed)}</td>
                              <td className="num">{formatMs(r.p95E2eMs)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </>
                  )}
                </section>
              </div>
            </>
          ) : (
            <div className="state">
              No transactions of this flow at {f.plant} in the last {f.window}.
            </div>
          )
        }
      </QueryView>
    </>
  );
}
