import type { StepTimeline as Step, TransactionSummary } from '@linewatch/schema';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { formatMs, formatTime } from '../../lib/format.ts';
import { stepHealth, statusLabel } from '../../lib/health.ts';
import { layoutTimeline } from './timelineLayout.ts';

/** The steps of a transaction across systems: expected vs actual, deadlines, gaps, failures. */
export function StepTimeline({
  tx,
  steps,
  now,
}: {
  tx: TransactionSummary;
  steps: readonly Step[];
  now: number;
}) {
  const { start, end, positions } = layoutTimeline(tx, steps, now);
  return (
    <>
      <div className="small muted" style={{ marginBottom: '0.4rem' }}>
        Axis: {formatTime(new Date(start).toISOString())} → {formatTime(new Date(end).toISOString())} (
        {formatMs(end - start)}). Blue marks when a step happened, red its last failed attempt, amber its
        deadline (dashed at the right edge while it is still ahead).
      </div>
      <ol className="timeline" aria-label="Steps">
        {steps.map((s, i) => {
          const pos = positions[i];
          const health = stepHealth(s.state);
          return (
            <li key={s.step} className={`health-${health}`} data-step={s.step} data-state={s.state}>
              <span className={`dot${s.actualAt ? '' : ' hollow'}`} aria-hidden="true" />
              <div>
                <div>
                  <strong>{s.name}</strong> <span className="muted small">on {s.system}</span>
                </div>
                <HealthBadge health={health} label={statusLabel(s.state)} />
                {s.optional && <span className="small muted"> optional</span>}
                {s.children && (
                  <div className="small muted">
                    {s.children.done} of {s.children.expected ?? '?'} {s.children.key.replace(/_/g, ' ')}s
                  </div>
                )}
              </div>
              <div>
                <div className="bar-track" aria-hidden="true">
                  {pos && pos.expected !== null && (
                    <span
                      className={`marker deadline${pos.expectedBeyond ? ' beyond' : ''}`}
                      style={{ left: `calc(${pos.expected * 100}% - 2px)` }}
                    />
                  )}
                  {pos && pos.actual !== null && (
                    <span
                      className="bar"
                      style={{ left: `calc(${pos.actual * 100}% - 3px)`, width: '6px' }}
                    />
                  )}
                  {pos && pos.attempt !== null && (
                    <span
                      className="bar error"
                      style={{ left: `calc(${pos.attempt * 100}% - 3px)`, width: '6px' }}
                    />
                  )}
                </div>
                <div className="small">
                  {s.actualAt ? <>at {formatTime(s.actualAt)}</> : <span className="muted">not yet</span>}
                  {s.expectedBy && (
                    <>
                      {' · '}due by {formatTime(s.expectedBy)}
                      {s.deadline && (
                        <span className="muted">
                          {' '}
                          ({formatMs(s.deadline.withinMs)} after {s.deadline.from})
                        </span>
                      )}
                    </>
                  )}
                  {s.lateByMs ? (
                    <strong style={{ color: 'var(--failing)' }}> · {formatMs(s.lateByMs)} late</strong>
                  ) : null}
                  {s.count > 1 && <span className="muted"> · {s.count} events</span>}
                  {pos?.gapMs !== null && pos?.gapMs !== undefined && (
                    <span className="gap"> · +{formatMs(pos.gapMs)} after the previous step</span>
                  )}
                </div>
                {s.lastFailure && (
                  <div className="small" style={{ color: 'var(--failing)' }}>
                    {s.lastFailure.outcome.replace(/_/g, ' ')} at {formatTime(s.lastFailure.at)}
                    {s.lastFailure.errorCategory ? ` (${s.lastFailure.errorCategory})` : ''}
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}
