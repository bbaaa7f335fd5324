import { Link } from 'react-router';
import { QueryView } from '../../components/QueryView.tsx';
import { TierBadge } from '../../components/TierBadge.tsx';
import { toSearch } from '../../lib/urlState.ts';
import { TIER_MEANING, TIERS } from '../alerts/alertModel.ts';
import { useAlertCounts } from '../alerts/queries.ts';

/** The open alerts by impact tier (from alerting), each linking to the Alerts view filtered by it. */
export function OpenAlerts({ plant }: { plant: string }) {
  const q = useAlertCounts(plant);
  return (
    <QueryView query={q} what="open alerts">
      {(d) => (
        <table className="data" aria-label="Open alerts by impact tier">
          <tbody>
            {TIERS.map((t) => (
              <tr key={t}>
                <td>
                  <TierBadge tier={t} />
                </td>
                <td className="small muted">{TIER_MEANING[t]}</td>
                <td className="num">
                  <Link to={`/alerts${toSearch({ tier: t, plant })}`}>
                    <strong>{d.counts[t]}</strong> open
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </QueryView>
  );
}
