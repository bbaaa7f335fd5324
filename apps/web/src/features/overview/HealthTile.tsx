import { Link } from 'react-router';
import type { FlowHealthRow } from '@linewatch/schema';
import { formatRatio } from '../../lib/format.ts';
import { flowRowHealth } from '../../lib/health.ts';
import { toSearch } from '../../lib/urlState.ts';

/**
 * Where a tile leads: an unhealthy tile opens the transactions with a problem for that flow and
 * plant (the red tile → transaction path); a healthy one opens the flow's view for that plant.
 */
export function tileLink(row: FlowHealthRow, window: string): string {
  const health = flowRowHealth(row);
  if (health === 'failing' || health === 'degraded') {
    const status =
      health === 'failing' && row.missing + row.failed > 0
        ? 'failed,missing'
        : 'failed,missing,late,duplicate';
    return `/transactions${toSearch({ flow: row.flow, plant: row.plant, status, window })}`;
  }
  return `/flows/${encodeURIComponent(row.flow)}${toSearch({ plant: row.plant, window })}`;
}

/** One plant × flow tile: on-time %, then what is wrong (missing, failed, late), coloured by health. */
export function HealthTile({ row, window }: { row: FlowHealthRow; window: string }) {
  const health = flowRowHealth(row);
  const problems = [
    row.missing ? `${row.missing} missing` : '',
    row.failed ? `${row.failed} failed` : '',
    row.late ? `${row.late} late` : '',
  ].filter(Boolean);
  const label = `${row.name} at ${row.plant ?? 'all plants'}: ${health}, on time ${formatRatio(row.onTimeRatio)}${problems.length ? `, ${problems.join(', ')}` : ''}`;
  return (
    <Link
      to={tileLink(row, window)}
      className={`tile health-${health}`}
      aria-label={label}
      data-health={health}
    >
      <div className="pct">
        {row.volume === 0 ? 'idle' : row.onTimeRatio === null ? 'open' : formatRatio(row.onTimeRatio)}
      </div>
      <div className="detail">
        {problems.length
          ? problems.join(' · ')
          : `${row.volume} started${row.inProgress ? `, ${row.inProgress} open` : ''}`}
      </div>
    </Link>
  );
}
