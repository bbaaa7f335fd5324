import { useSearchParams, useParams, Link } from 'react-router';
import { DashboardSchema, resolvePanelParams, type Dashboard } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { useApi } from '../../lib/useApi.ts';
import { Panel } from './Panel.tsx';

function Variables({
  dashboard,
  values,
  set,
}: {
  dashboard: Dashboard;
  values: Record<string, string>;
  set: (name: string, v: string) => void;
}) {
  if (dashboard.variables.length === 0) return null;
  return (
    <div className="filters">
      {dashboard.variables.map((v) => (
        <label key={v.name}>
          {v.label}
          {v.options ? (
            <select value={values[v.name]} onChange={(e) => set(v.name, e.target.value)}>
              {v.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              defaultValue={values[v.name]}
              placeholder="all"
              onKeyDown={(e) => {
                if (e.key === 'Enter') set(v.name, e.currentTarget.value.trim());
              }}
              onBlur={(e) => set(v.name, e.currentTarget.value.trim())}
            />
          )}
        </label>
      ))}
    </div>
  );
}

/** A dashboard as code: its variables (kept in the URL) and its panels. */
export default function DashboardPage() {
  const { id = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const q = useApi(`/api/v1/dashboards/${encodeURIComponent(id)}`, DashboardSchema, undefined, {
    live: false,
  });
  return (
    <>
      <div className="breadcrumbs">
        <Link to="/dashboards">Dashboards</Link> / {id}
      </div>
      <QueryView query={q} what={`dashboard ${id}`}>
        {(d) => {
          const values = Object.fromEntries(
            d.variables.map((v) => [v.name, search.get(v.name) ?? v.default]),
          );
          const set = (name: string, value: string) =>
            setSearch(
              (prev) => {
                const next = new URLSearchParams(prev);
                const dflt = d.variables.find((v) => v.name === name)?.default ?? '';
                if (value === dflt) next.delete(name);
                else next.set(name, value);
                return next;
              },
              { replace: true },
            );
          return (
            <>
              <div className="page-head">
                <div>
                  <h1>{d.title}</h1>
                  {d.audience && <div className="muted small">{d.audience}</div>}
                  {d.description && (
                    <p className="small" style={{ maxWidth: '60rem' }}>
                      {d.description}
                    </p>
                  )}
                </div>
              </div>
              <Variables key={search.toString()} dashboard={d} values={values} set={set} />
              <div className="grid">
                {d.panels.map((p, i) => (
                  <Panel key={i} panel={p} params={resolvePanelParams(p.params, values)} />
                ))}
              </div>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
