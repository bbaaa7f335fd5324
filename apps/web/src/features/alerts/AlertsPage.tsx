import { Link } from 'react-router';
import type { Alert, AlertRef } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { Select } from '../../components/Select.tsx';
import { TierBadge } from '../../components/TierBadge.tsx';
import { formatAgo, formatTime, formatValue } from '../../lib/format.ts';
import { toSearch, useUrlState } from '../../lib/urlState.ts';
import { shownState, standalone, subjectOf, TIER_MEANING, TIERS } from './alertModel.ts';
import { useAlerts } from './queries.ts';

const STATES = [
  { value: 'open', label: 'Open (pending and firing)' },
  { value: 'firing', label: 'Firing' },
  { value: 'pending', label: 'Pending' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

function Symptoms({ symptoms }: { symptoms: readonly AlertRef[] }) {
  if (!symptoms.length) return null;
  return (
    <details className="symptoms">
      <summary className="small">
        {symptoms.length} symptom{symptoms.length === 1 ? '' : 's'} (not notified on their own)
      </summary>
      <ul>
        {symptoms.map((s) => (
          <li key={s.id} className="small">
            <TierBadge tier={s.tier} /> <Link to={`/alerts/${encodeURIComponent(s.id)}`}>{s.summary}</Link>
            {s.plant ? <span className="muted"> · {s.plant}</span> : null}
          </li>
        ))}
      </ul>
    </details>
  );
}

function AlertRow({ a }: { a: Alert }) {
  const state = shownState(a);
  return (
    <tr>
      <td>
        <TierBadge tier={a.tier} />
      </td>
      <td>
        <Link to={`/alerts/${encodeURIComponent(a.id)}`}>
          <strong>{a.annotations.summary ?? a.rule}</strong>
        </Link>
        <div className="small muted">{a.tierReason}</div>
        {a.cause ? (
          <div className="small">
            symptom of <Link to={`/alerts/${encodeURIComponent(a.cause.id)}`}>{a.cause.summary}</Link>
          </div>
        ) : null}
        <Symptoms symptoms={a.symptoms} />
      </td>
      <td>{subjectOf(a) || <span className="muted">—</span>}</td>
      <td>
        <span className={`badge state-${state}`}>{state}</span>
        {a.acknowledgedBy ? <div className="small muted">by {a.acknowledgedBy}</div> : null}
      </td>
      <td className="num" title={formatTime(a.firedAt ?? a.startsAt)}>
        {formatAgo(a.firedAt ?? a.startsAt)}
      </td>
      <td className="num">{formatValue(a.value)}</td>
    </tr>
  );
}

/** The alerts of a page: each cause once with its symptoms under it; a symptom whose cause is listed is not repeated. */
export function AlertTable({
  items,
  filters,
}: {
  items: readonly Alert[];
  filters: { state: string; tier: string; plant: string };
}) {
  const f = filters;
  const shown = standalone(items);
  if (shown.length === 0)
    return (
      <div className="state">
        No {f.state === 'all' ? '' : `${f.state} `}alerts{f.tier ? ` at ${f.tier}` : ''}
        {f.plant ? ` at ${f.plant}` : ''}.{' '}
        {f.state !== 'all' ? <Link to={`/alerts${toSearch({ ...f, state: 'all' })}`}>Show all</Link> : null}
      </div>
    );
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Alerts">
        <thead>
          <tr>
            <th>Tier</th>
            <th>Alert</th>
            <th>About</th>
            <th>State</th>
            <th className="num">Since</th>
            <th className="num">Value</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => (
            <AlertRow key={a.id} a={a} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Alerts: the open ones by impact tier, causes with their symptoms, filters in the URL, live. */
export default function AlertsPage() {
  const [f, setF] = useUrlState({ state: 'open', tier: '', plant: '' });
  const q = useAlerts(f);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <div className="muted small">
            By operational impact. A cause lists its symptoms; only the cause is notified.{' '}
            <Link to="/silences">Silences and maintenance windows →</Link>
          </div>
        </div>
      </div>
      <QueryView query={q} what="alerts">
        {(d) => (
          <>
            <div className="tier-summary" aria-label="Open alerts by tier">
              {TIERS.map((t) => (
                <button
                  key={t}
                  type="button"
                  className={`tier-count${f.tier === t ? ' active' : ''}`}
                  aria-pressed={f.tier === t}
                  title={TIER_MEANING[t]}
                  onClick={() => setF({ tier: f.tier === t ? '' : t })}
                >
                  <TierBadge tier={t} /> <strong>{d.counts[t]}</strong> open
                </button>
              ))}
            </div>
            <div className="filters">
              <Select
                label="State"
                value={f.state}
                options={STATES}
                allLabel={null}
                onChange={(state) => setF({ state })}
              />
              <Select
                label="Tier"
                value={f.tier}
                options={TIERS.map((t) => ({ value: t, label: `${t} · ${TIER_MEANING[t]}` }))}
                onChange={(tier) => setF({ tier })}
              />
              <Select
                label="Plant"
                value={f.plant}
                options={[...new Set(d.items.map((a) => a.plant).filter((p): p is string => !!p))].sort()}
                onChange={(plant) => setF({ plant })}
              />
            </div>
            <section className="card">
              <AlertTable items={d.items} filters={f} />
            </section>
          </>
        )}
      </QueryView>
    </>
  );
}
