import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import type { AlertDetail } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { TierBadge } from '../../components/TierBadge.tsx';
import { formatTime, formatValue, humanize } from '../../lib/format.ts';
import { toSearch } from '../../lib/urlState.ts';
import { shownState, subjectOf } from './alertModel.ts';
import { useAcknowledge, useAlert } from './queries.ts';

function Acknowledge({ alert }: { alert: AlertDetail }) {
  const ack = useAcknowledge(alert.id);
  const [comment, setComment] = useState('');
  if (alert.acknowledgedBy)
    return (
      <p>
        Acknowledged by <strong>{alert.acknowledgedBy}</strong> {formatTime(alert.acknowledgedAt)}
        {alert.ackComment ? <>: “{alert.ackComment}”</> : null}
      </p>
    );
  if (alert.state === 'resolved') return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ack.mutate(comment.trim());
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Acknowledge">
      <label>
        Comment
        <input
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder="Who is on it, what is being done"
          maxLength={2000}
        />
      </label>
      <button type="submit" disabled={ack.isPending}>
        Acknowledge
      </button>
      {ack.isError ? <span className="error small">{ack.error.message}</span> : null}
    </form>
  );
}

function Detail({ a }: { a: AlertDetail }) {
  const transactions = a.flow
    ? `/transactions${toSearch({ flow: a.flow, plant: a.plant, status: 'failed,missing,late,duplicate' })}`
    : undefined;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>
            <TierBadge tier={a.tier} /> {a.annotations.summary ?? a.rule}
          </h1>
          <div className="muted small">
            {a.tier}: {a.tierReason}
          </div>
        </div>
        <div>
          <Link className="button" to={`/silences${toSearch({ alert: a.id })}`}>
            Silence like this
          </Link>
        </div>
      </div>
      <div className="grid">
        <section className="card span-6" aria-labelledby="facts-h">
          <h2 id="facts-h">What</h2>
          <dl className="facts">
            <dt>State</dt>
            <dd>
              <span className={`badge state-${shownState(a)}`}>{shownState(a)}</span>
              {a.silencedBy ? <span className="small muted"> by {a.silencedBy}</span> : null}
            </dd>
            <dt>About</dt>
            <dd>{subjectOf(a) || '—'}</dd>
            <dt>Rule</dt>
            <dd className="mono">
              {a.rule} ({a.ruleKind})
            </dd>
            <dt>Value</dt>
            <dd>{formatValue(a.value)}</dd>
            <dt>Started</dt>
            <dd>{formatTime(a.startsAt)}</dd>
            <dt>Fired</dt>
            <dd>{formatTime(a.firedAt)}</dd>
            {a.endsAt ? (
              <>
                <dt>Resolved</dt>
                <dd>{formatTime(a.endsAt)}</dd>
              </>
            ) : null}
            <dt>Labels</dt>
            <dd className="chips">
              {Object.entries(a.labels).map(([k, v]) => (
                <span key={k} className="chip mono">
                  {k}={v}
                </span>
              ))}
            </dd>
          </dl>
          {a.annotations.description ? <p>{a.annotations.description}</p> : null}
          {a.examples.length ? (
            <>
              <h3>Example transactions</h3>
              <ul className="small">
                {a.examples.map((k) => (
                  <li key={k} className="mono">
                    {a.flow ? (
                      <Link to={`/transactions/${encodeURIComponent(a.flow)}/${encodeURIComponent(k)}`}>
                        {k}
                      </Link>
                    ) : (
                      <Link to={`/search${toSearch({ q: k })}`}>{k}</Link>
                    )}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {transactions ? <Link to={transactions}>All problem transactions of this flow →</Link> : null}
          <Acknowledge alert={a} />
        </section>
        <section className="card span-6" aria-labelledby="cause-h">
          <h2 id="cause-h">Cause and symptoms</h2>
          {a.cause ? (
            <p>
              Symptom of <TierBadge tier={a.cause.tier} />{' '}
              <Link to={`/alerts/${encodeURIComponent(a.cause.id)}`}>{a.cause.summary}</Link>: notified with
              it, not on its own.
            </p>
          ) : null}
          {a.symptoms.length ? (
            <ul>
              {a.symptoms.map((s) => (
                <li key={s.id}>
                  <TierBadge tier={s.tier} />{' '}
                  <Link to={`/alerts/${encodeURIComponent(s.id)}`}>{s.summary}</Link>
                </li>
              ))}
            </ul>
          ) : !a.cause ? (
            <p className="muted">No other alert is attached to this one.</p>
          ) : null}
        </section>
        <section className="card span-6" aria-labelledby="history-h">
          <h2 id="history-h">History</h2>
          <table className="data" aria-label="History">
            <thead>
              <tr>
                <th>When</th>
                <th>Change</th>
                <th>Who</th>
                <th className="num">Value</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {a.history.map((h, i) => (
                <tr key={`${h.time}-${i}`}>
                  <td>{formatTime(h.time)}</td>
                  <td>
                    {humanize(h.from)} → <strong>{humanize(h.to)}</strong>
                  </td>
                  <td>{h.actor ?? 'Linewatch'}</td>
                  <td className="num">{h.value ?? ''}</td>
                  <td className="small">{h.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="card span-6" aria-labelledby="deliveries-h">
          <h2 id="deliveries-h">Notifications</h2>
          {a.deliveries.length ? (
            <table className="data" aria-label="Deliveries">
              <thead>
                <tr>
                  <th>When</th>
                  <th>To</th>
                  <th>Channel</th>
                  <th>Kind</th>
                  <th className="num">Attempt</th>
                  <th>Result</th>
                </tr>
              </thead>
              <tbody>
                {a.deliveries.map((d) => (
                  <tr key={`${d.notificationId}-${d.channel}-${d.attempt}-${d.contact}`}>
                    <td>{formatTime(d.time)}</td>
                    <td>{d.contact}</td>
                    <td>{d.channel}</td>
                    <td>{d.kind}</td>
                    <td className="num">{d.attempt}</td>
                    <td>
                      {d.ok ? (
                        <span className="badge health-healthy">sent</span>
                      ) : (
                        <span className="error">{d.error}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">
              {a.cause
                ? 'Notified as part of its cause.'
                : a.silencedBy
                  ? 'Silenced: recorded, not notified.'
                  : 'Not notified (yet): group wait, routing or working hours.'}
            </p>
          )}
        </section>
      </div>
    </>
  );
}

/** One alert: what, why this tier, cause and symptoms, history, notifications, acknowledge. */
export default function AlertPage() {
  const { id = '' } = useParams();
  const q = useAlert(id);
  return (
    <>
      <p className="small">
        <Link to="/alerts">← Alerts</Link>
      </p>
      <QueryView query={q} what="the alert">
        {(a) => <Detail a={a} />}
      </QueryView>
    </>
  );
}
