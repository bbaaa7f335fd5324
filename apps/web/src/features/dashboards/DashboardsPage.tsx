import { Link } from 'react-router';
import { DashboardListSchema } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { useApi } from '../../lib/useApi.ts';

/** The dashboards defined as code in dashboards/*.yaml. */
export default function DashboardsPage() {
  const q = useApi('/api/v1/dashboards', DashboardListSchema, undefined, { live: false });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dashboards</h1>
          <div className="muted small">
            Pages defined as code in dashboards/*.yaml over the server's named queries.
          </div>
        </div>
      </div>
      <QueryView
        query={q}
        what="dashboards"
        isEmpty={(d) => d.dashboards.length === 0}
        empty="No dashboards: add a YAML file to dashboards/ (see docs/ui.md)."
      >
        {(d) => (
          <div className="grid">
            {d.dashboards.map((x) => (
              <Link
                key={x.id}
                to={`/dashboards/${x.id}`}
                className="card span-4"
                style={{ color: 'var(--text)' }}
              >
                <h2>{x.title}</h2>
                {x.audience && <div className="small muted">{x.audience}</div>}
                {x.description && <p className="small">{x.description}</p>}
                <div className="small muted">{x.panels} panels</div>
              </Link>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}
