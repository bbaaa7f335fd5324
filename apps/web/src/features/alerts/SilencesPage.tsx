import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { AlertDetailSchema, type Silence } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { formatTime } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';
import { useUrlState } from '../../lib/urlState.ts';
import { buildSilence, matchersFromAlert, type MatcherRow } from './alertModel.ts';
import { useCreateSilence, useExpireSilence, useSilences } from './queries.ts';

const DURATIONS = [
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 120, label: '2 hours' },
  { minutes: 240, label: '4 hours' },
  { minutes: 480, label: '8 hours' },
  { minutes: 1440, label: '1 day' },
];
const OPS: MatcherRow['op'][] = ['=', '!=', '=~', '!~'];

/** The create-silence form; `initial` pre-fills the matchers (from an alert). */
export function SilenceForm({ initial, now = Date.now }: { initial: MatcherRow[]; now?: () => number }) {
  const create = useCreateSilence();
  const [rows, setRows] = useState<MatcherRow[]>(initial);
  const [duration, setDuration] = useState(120);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setRows(initial), [initial]);
  const set = (i: number, patch: Partial<MatcherRow>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const built = buildSilence({ matchers: rows, durationMinutes: duration, comment }, now());
    if (!built.ok) return setError(built.error);
    setError(undefined);
    create.mutate(built.body, { onSuccess: () => setComment('') });
  };
  return (
    <form onSubmit={submit} aria-label="New silence" className="silence-form">
      {rows.map((r, i) => (
        <div key={i} className="matcher-row">
          <input
            aria-label={`Label ${i + 1}`}
            value={r.label}
            onChange={(e) => set(i, { label: e.target.value })}
          />
          <select
            aria-label={`Operator ${i + 1}`}
            value={r.op}
            onChange={(e) => set(i, { op: e.target.value as MatcherRow['op'] })}
          >
            {OPS.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
          <input
            aria-label={`Value ${i + 1}`}
            value={r.value}
            onChange={(e) => set(i, { value: e.target.value })}
          />
          <button
            type="button"
            aria-label={`Remove matcher ${i + 1}`}
            onClick={() => setRows(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" onClick={() => setRows([...rows, { label: '', op: '=', value: '' }])}>
        + matcher
      </button>
      <div className="filters">
        <label>
          For
          <select value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {DURATIONS.map((d) => (
              <option key={d.minutes} value={d.minutes}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Comment
          <input
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder="Why (everyone sees it)"
          />
        </label>
        <button type="submit" disabled={create.isPending}>
          Silence
        </button>
      </div>
      {error ? <p className="error small">{error}</p> : null}
      {create.isError ? <p className="error small">{create.error.message}</p> : null}
      {create.isSuccess ? (
        <p className="small">Silence created until {formatTime(create.data.endsAt)}.</p>
      ) : null}
    </form>
  );
}

function SilenceRow({ s }: { s: Silence }) {
  const expire = useExpireSilence();
  const ended = !s.active && Date.parse(s.endsAt) <= Date.now();
  return (
    <tr>
      <td className="chips">
        {s.matchers.map((m, i) => (
          <span key={i} className="chip mono">
            {m.label}
            {m.op}
            {m.value}
          </span>
        ))}
      </td>
      <td>
        {s.active ? <span className="badge state-silenced">active</span> : ended ? 'ended' : 'upcoming'}
      </td>
      <td>{formatTime(s.startsAt)}</td>
      <td>{formatTime(s.endsAt)}</td>
      <td>
        {s.createdBy}
        <div className="small muted">{s.comment}</div>
      </td>
      <td>
        {!ended ? (
          <button type="button" disabled={expire.isPending} onClick={() => expire.mutate(s.id)}>
            Expire
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** Silences (active, upcoming, just ended) with the form, and the plants' maintenance windows. */
export default function SilencesPage() {
  const [f] = useUrlState({ alert: '' });
  const from = useApi(`/api/v1/alerts/${encodeURIComponent(f.alert)}`, AlertDetailSchema, undefined, {
    enabled: f.alert !== '',
    live: false,
  });
  const [initial, setInitial] = useState<MatcherRow[]>([{ label: 'plant', op: '=', value: '' }]);
  useEffect(() => {
    if (from.data) setInitial(matchersFromAlert(from.data));
  }, [from.data]);
  const q = useSilences();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Silences</h1>
          <div className="muted small">
            A silenced alert is evaluated and recorded, but nobody is notified.{' '}
            <Link to="/alerts">← Alerts</Link>
          </div>
        </div>
      </div>
      <section className="card" aria-labelledby="new-h">
        <h2 id="new-h">
          New silence{from.data ? ` like “${from.data.annotations.summary ?? from.data.rule}”` : ''}
        </h2>
        <SilenceForm initial={initial} />
      </section>
      <QueryView query={q} what="silences">
        {(d) => (
          <div className="grid" style={{ marginTop: 'var(--gap)' }}>
            <section className="card span-8" aria-labelledby="silences-h">
              <h2 id="silences-h">Silences</h2>
              {d.silences.length ? (
                <table className="data" aria-label="Silences">
                  <thead>
                    <tr>
                      <th>Matchers</th>
                      <th>State</th>
                      <th>From</th>
                      <th>Until</th>
                      <th>By</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {d.silences.map((s) => (
                      <SilenceRow key={s.id} s={s} />
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="muted">No silences active, upcoming or ended in the last day.</p>
              )}
            </section>
            <section className="card span-4" aria-labelledby="windows-h">
              <h2 id="windows-h">Maintenance windows</h2>
              {d.maintenanceWindows.length ? (
                <ul>
                  {d.maintenanceWindows.map((w) => (
                    <li key={w.id}>
                      <strong>{w.plants.join(', ')}</strong> <span className="mono small">{w.cron}</span> (
                      {w.timeZone}){w.active ? <span className="badge state-silenced"> now</span> : null}
                      <div className="small muted">
                        {w.comment ?? w.id}
                        {w.nextStart ? ` · next ${formatTime(w.nextStart)} – ${formatTime(w.nextEnd)}` : ''}
                      </div>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No maintenance windows in alert-rules/routes.yaml.</p>
              )}
            </section>
          </div>
        )}
      </QueryView>
    </>
  );
}
