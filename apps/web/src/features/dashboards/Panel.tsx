import { QueryResultSchema, type Panel as PanelDef, type QueryResult } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { Chart } from '../../components/charts/LazyChart.tsx';
import { pivotSeries } from '../../components/charts/pivot.ts';
import { formatTime, formatValue } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';

function StatValue({ panel, result }: { panel: PanelDef; result: QueryResult }) {
  const col = panel.y?.[0] ?? '';
  const unit = result.columns.find((c) => c.name === col)?.unit;
  const raw = result.rows[0]?.[col] ?? null;
  const bad = panel.warnAbove !== undefined && typeof raw === 'number' && raw > panel.warnAbove;
  return (
    <div className={`stat ${bad ? 'bad' : ''}`} style={{ border: 0, padding: 0 }}>
      <div className="value" data-testid="stat-value">
        {formatValue(raw, unit)}
      </div>
    </div>
  );
}

function TableValue({ panel, result }: { panel: PanelDef; result: QueryResult }) {
  const cols = (panel.columns ?? result.columns.map((c) => c.name)).map(
    (name) => result.columns.find((c) => c.name === name) ?? { name, type: 'string' as const },
  );
  return (
    <div className="table-wrap" style={{ maxHeight: '24rem' }}>
      <table className="data">
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c.name} className={c.type === 'number' ? 'num' : undefined}>
                {c.name.replace(/_/g, ' ')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.rows.map((r, i) => (
            <tr key={i}>
              {cols.map((c) => {
                const v = r[c.name] ?? null;
                return (
                  <td key={c.name} className={c.type === 'number' ? 'num' : undefined}>
                    {c.type === 'time'
                      ? formatTime(v === null ? null : String(v))
                      : formatValue(v, 'unit' in c ? c.unit : undefined)}
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

function ChartValue({ panel, result }: { panel: PanelDef; result: QueryResult }) {
  const x = panel.x ?? 't';
  const y = panel.y ?? [];
  const { data, keys } = pivotSeries(result.rows, x, y, panel.series);
  const xType = result.columns.find((c) => c.name === x)?.type;
  const unit = result.columns.find((c) => c.name === y[0])?.unit;
  return (
    <Chart
      data={data}
      x={x}
      keys={keys}
      kind={panel.type === 'bar' ? 'bar' : 'line'}
      timeX={xType === 'time'}
      unit={unit}
      label={panel.title}
    />
  );
}

/** Draws a query result the way the panel says: a stat, a table, a time series or bars. */
export function PanelBody({ panel, result }: { panel: PanelDef; result: QueryResult }) {
  if (panel.type === 'stat') return <StatValue panel={panel} result={result} />;
  if (panel.type === 'table') return <TableValue panel={panel} result={result} />;
  return <ChartValue panel={panel} result={result} />;
}

/** One dashboard panel: runs its named query with the resolved parameters and draws it. */
export function Panel({ panel, params }: { panel: PanelDef; params: Record<string, string | number> }) {
  const q = useApi(`/api/v1/queries/${encodeURIComponent(panel.query)}`, QueryResultSchema, params);
  return (
    <section className={`card span-${panel.width}`} aria-label={panel.title} data-panel-type={panel.type}>
      <div className="card-head">
        <h2 style={{ margin: 0 }}>{panel.title}</h2>
      </div>
      {panel.description && (
        <div className="small muted" style={{ marginBottom: '0.4rem' }}>
          {panel.description}
        </div>
      )}
      <QueryView
        query={q}
        what={panel.title.toLowerCase()}
        isEmpty={(d) => panel.type !== 'stat' && d.rows.length === 0}
        empty="No data in this range."
        skeletonHeight={panel.type === 'stat' ? '2.5rem' : undefined}
      >
        {(d) => <PanelBody panel={panel} result={d} />}
      </QueryView>
    </section>
  );
}
