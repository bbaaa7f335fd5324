import type { Tier } from '@linewatch/schema';
import { TIER_MEANING } from '../features/alerts/alertModel.ts';

/** An impact tier as a coloured pill; the meaning is in the title (colour is never the only signal). */
export function TierBadge({ tier }: { tier: Tier }) {
  return (
    <span className={`badge tier-${tier.toLowerCase()}`} title={`${tier}: ${TIER_MEANING[tier]}`}>
      {tier}
    </span>
  );
}
