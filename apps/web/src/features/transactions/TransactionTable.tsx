import { Link } from 'react-router';
import type { TransactionSummary } from '@linewatch/schema';
import { HealthBadge } from '../../components/HealthBadge.tsx';
import { formatAgo, formatMs } from '../../lib/format.ts';
import { statusHealth, statusLabel } from '../../lib/health.ts';

/** The link to a transaction's detail (the key is encoded: keys like MO/00042 contain slashes). */
export function transactionHref(t: { flow: string; key: string }): string {
  return `/transactions/${encodeURIComponent(t.flow)}/${encodeURIComponent(t.key)}`;
}

/** A table of transactions: key (link to the timeline), status and reason, plant, timing. */
export function TransactionTable({
  items,
  compact = false,
}: {
  items: readonly TransactionSummary[];
  compact?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="data" aria-label="Transactions">
        <thead>
          <tr>
            <th>Business key</th>
            <th>Status</th>
            {!compact && <th>Flow</th>}
            <th>Plant</th>
            <th>Why</th>
            <th className="num">Late by</th>
            {!compact && <th className="num">End to end</th>}
            {!compact && <th className="num">Steps</th>}
            {!compact && <th className="num">Started</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={`${t.flow}\u0000${t.key}`}>
              <td className="mono nowrap">
                <Link to={transactionHref(t)}>{t.key}</Link>
                {compact && <div className="small muted">{t.flow}</div>}
              </td>
              <td>
                <HealthBadge health={statusHealth(t.status)} label={statusLabel(t.status)} />
              </td>
              {!compact && <td>{t.flow}</td>}
              <td>{t.plant}</td>
              <td className="small">{t.reason}</td>
              <td className="num">{formatMs(t.lateByMs)}</td>
              {!compact && <td className="num">{formatMs(t.e2eMs)}</td>}
              {!compact && (
                <td className="num">
                  {t.stepsDone}/{t.stepsTotal}
                </td>
              )}
              {!compact && (
                <td className="num nowrap" title={t.startedAt}>
                  {formatAgo(t.startedAt)}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
