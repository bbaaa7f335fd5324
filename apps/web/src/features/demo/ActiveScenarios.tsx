import { Link } from 'react-router';
import { formatTime } from '../../lib/format.ts';
import { useDemoState } from './queries.ts';

/** A line on the overview naming the demo faults that are on, so a viewer knows what to look for. */
export function ActiveScenarios() {
  const q = useDemoState();
  const active = q.data?.running ? q.data.scenarios.filter((s) => s.active) : [];
  if (active.length === 0) return null;
  return (
    <div className="notice warn" role="status" aria-label="Demo faults">
      <strong>Demo faults on:</strong>{' '}
      {active.map((s, i) => (
        <span key={s.name}>
          {i > 0 && '; '}
          {s.title}
          {s.plant ? ` at ${s.plant}` : ''}
          {s.system ? ` (${s.system})` : ''} since {formatTime(s.from)}
        </span>
      ))}
      . <Link to="/demo">Demo panel</Link>
    </div>
  );
}
