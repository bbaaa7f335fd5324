import { Link } from 'react-router';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { QueryView } from '../../components/QueryView.tsx';
import { describeError } from '../../lib/api.ts';
import { formatCount, formatTime } from '../../lib/format.ts';
import { toSearch } from '../../lib/urlState.ts';
import { useDemoState, useSetScenario } from './queries.ts';

/** The demo panel: the plant simulator's fault scenarios, switchable, and where each one shows. */
export default function DemoPage() {
  const q = useDemoState();
  const set = useSetScenario();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Demo scenarios</h1>
          <div className="muted small">
            The plant simulator feeds the collector like real connectors would. Switch a fault on, then follow
            it from the overview to its root cause.
          </div>
        </div>
      </div>
      {set.isError && (
        <div className="notice" role="alert">
          <strong>Could not switch the scenario</strong>: {describeError(set.error)}
        </div>
      )}
      <QueryView
        query={q}
        what="demo state"
        isEmpty={(d) => !d.running}
        empty={
          <>
            The demo is not running. Start Linewatch with <code>linewatch start --demo</code> (or{' '}
            <code>npm start</code>).
          </>
        }
      >
        {(d) => (
          <>
            <div className="stats">
              <div className="stat">
                <div className="label">Simulated time</div>
                <div className="value small">{formatTime(d.simTime)}</div>
              </div>
              <div className="stat">
                <div className="label">Speed</div>
                <div className="value">{d.speed ?? '–'}×</div>
              </div>
              <div className="stat">
                <div className="label">Plants</div>
                <div className="value">{d.plants.length}</div>
              </div>
              <div className="stat">
                <div className="label">Transactions finished</div>
                <div className="value">{formatCount(d.sent.transactions)}</div>
              </div>
              <div className="stat">
                <div className="label">Events · spans sent</div>
                <div className="value small">
                  {formatCount(d.sent.events)} · {formatCount(d.sent.spans)}
                </div>
              </div>
            </div>
            <div className="grid">
              {d.scenarios.map((s) => (
                <section key={s.name} className="card span-6" aria-label={s.title}>
                  <div className="card-head">
                    <h2 style={{ margin: 0 }}>{s.title}</h2>
                    <HealthBadge health={s.active ? 'failing' : 'idle'} label={s.active ? 'on' : 'off'} />
                  </div>
                  <p className="small">{s.effect}</p>
                  <div className="small muted">
                    {s.plant ? `plant ${s.plant}` : 'every plant'}
                    {s.system ? ` · system ${s.system}` : ''}
                    {s.from
                      ? ` · ${s.active ? 'since' : 'last'} ${formatTime(s.from)}${s.to ? ` → ${formatTime(s.to)}` : ''}`
                      : ''}
                  </div>
                  <div style={{ display: 'flex', gap: '0.5rem', marginTop: '0.5rem', alignItems: 'center' }}>
                    {s.active ? (
                      <button
                        type="button"
                        disabled={set.isPending}
                        onClick={() => set.mutate({ name: s.name, active: false })}
                      >
                        Switch off
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="primary"
                        disabled={set.isPending}
                        onClick={() => set.mutate({ name: s.name, active: true, duration: '15m' })}
                      >
                        Switch on for 15m
                      </button>
                    )}
                    {s.active && (
                      <Link to={`/${toSearch({ window: '1h', plant: s.plant })}`} className="small">
                        see it on the overview →
                      </Link>
                    )}
                  </div>
                </section>
              ))}
            </div>
          </>
        )}
      </QueryView>
    </>
  );
}
