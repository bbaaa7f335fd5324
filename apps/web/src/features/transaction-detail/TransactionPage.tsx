import { Link, useParams } from 'react-router';
import { TransactionDetailSchema, type EventRow } from '@linewatch/schema';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { formatMs, formatTime } from '../../lib/format.ts';
import { statusHealth, statusLabel } from '../../lib/health.ts';
import { useApi } from '../../lib/useApi.ts';
import { toSearch } from '../../lib/urlState.ts';
import { SpanWaterfall } from './SpanWaterfall.tsx';
import { StepTimeline } from './StepTimeline.tsx';

function EventPayload({ e }: { e: EventRow }) {
  const payload = {
    id: e.id,
    time: e.time,
    flow: e.flow,
    step: e.step,
    key: e.key,
    keys: e.keys,
    system: e.system,
    plant: e.plant,
    outcome: e.outcome,
    error_category: e.errorCategory ?? undefined,
    error_message: e.errorMessage ?? undefined,
    attributes: e.attributes,
    trace_id: e.traceId ?? undefined,
    span_id: e.spanId ?? undefined,
  };
  return <pre className="payload">{JSON.stringify(payload, null, 2)}</pre>;
}

function EventsTable({ events }: { events: readonly EventRow[] }) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Events">
        <thead>
          <tr>
            <th>Time</th>
            <th>Step</th>
            <th>System</th>
            <th>Outcome</th>
            <th>Event</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const bad = e.outcome !== 'ok';
            return (
              <tr key={e.id}>
                <td className="nowrap">{formatTime(e.time)}</td>
                <td>{e.step}</td>
                <td>{e.system}</td>
                <td>
                  <HealthBadge
                    health={bad ? (e.outcome === 'retried' ? 'degraded' : 'failing') : 'healthy'}
                    label={e.outcome.replace(/_/g, ' ')}
                  />
                  {e.errorMessage && (
                    <div className="small" style={{ color: 'var(--failing)' }}>
                      {e.errorCategory ? <strong>{e.errorCategory}: </strong> : null}
                      {e.errorMessage}
                    </div>
                  )}
                </td>
                <td>
                  <details>
                    <summary className="mono small">{e.id}</summary>
                    <EventPayload e={e} />
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Transaction detail: timeline of steps across systems, events with payloads and errors, span waterfall. */
export default function TransactionPage() {
  const { flow = '', key = '' } = useParams();
  const q = useApi(
    `/api/v1/transactions/${encodeURIComponent(flow)}/${encodeURIComponent(key)}`,
    TransactionDetailSchema,
  );
  return (
    <>
      <div className="breadcrumbs">
        <Link to="/">Overview</Link> / <Link to={`/flows/${encodeURIComponent(flow)}`}>{flow}</Link> /{' '}
        <Link to={`/transactions${toSearch({ flow })}`}>transactions</Link>
      </div>
      <QueryView query={q} what={`transaction ${key}`}>
        {(d) => {
          const t = d.transaction;
          return (
            <>
              <div className="page-head">
                <div>
                  <h1>
                    <span className="mono">{t.key}</span>{' '}
                    <HealthBadge health={statusHealth(t.status)} label={statusLabel(t.status)} />
                  </h1>
                  <div className="muted">
                    {d.flow.name} · {t.plant} · {d.flow.criticality} · owner {d.flow.owner}
                  </div>
                  <p style={{ margin: '0.4rem 0 0' }} data-testid="reason">
                    {t.reason}
                  </p>
                </div>
                <dl className="kv">
                  <dt>Started</dt>
                  <dd>{formatTime(t.startedAt)}</dd>
                  <dt>Completed</dt>
                  <dd>{formatTime(t.completedAt)}</dd>
                  <dt>End to end</dt>
                  <dd>{formatMs(t.e2eMs)}</dd>
                  <dt>Steps</dt>
                  <dd>
                    {t.stepsDone}/{t.stepsTotal}
                  </dd>
                  {t.linkedKeys.length > 0 && (
                    <>
                      <dt>Linked keys</dt>
                      <dd className="mono small">{t.linkedKeys.join(', ')}</dd>
                    </>
                  )}
                </dl>
              </div>
              <div className="grid">
                <section className="card span-12" aria-labelledby="tl-h">
                  <h2 id="tl-h">Timeline</h2>
                  <StepTimeline tx={t} steps={d.steps} now={q.dataUpdatedAt || Date.now()} />
                </section>
                {d.errors.length > 0 && (
                  <section className="card span-12" aria-labelledby="err-h">
                    <h2 id="err-h">Errors</h2>
                    <EventsTable events={d.errors} />
                  </section>
                )}
                <section className="card span-12" aria-labelledby="ev-h">
                  <h2 id="ev-h">
                    Events{' '}
                    <span className="muted small">
                      {d.events.length}
                      {d.eventsTruncated ? '+ (first 1000)' : ''}
                    </span>
                  </h2>
                  <EventsTable events={d.events} />
                </section>
                <section className="card span-12" aria-labelledby="sp-h">
                  <h2 id="sp-h">
                    Traces{' '}
                    <span className="muted small">
                      {d.traceIds.length} linked{d.spansTruncated ? ', first 2000 spans' : ''}
                    </span>
                  </h2>
                  {d.spans.length === 0 ? (
                    <div className="state">No spans are linked to this transaction's events.</div>
                  ) : (
                    <SpanWaterfall spans={d.spans} />
                  )}
                </section>
              </div>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
