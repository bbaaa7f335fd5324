import type { Health } from '../lib/health.ts';

/** A coloured pill with a text label (colour is never the only signal). */
export function HealthBadge({ health, label }: { health: Health; label?: string }) {
  return <span className={`badge health-${health}`}>{label ?? health}</span>;
}
