import type { Tier } from '@linewatch/schema';

/** The index of the next escalation step due at `now` (unacknowledged P1 only), or undefined. */
export function escalationDue(
  alert: { tier: Tier; firedAt: number; acknowledgedAt?: number | undefined; escalatedSteps: number },
  steps: { after: number; contacts: string[] }[],
  now: number,
): number | undefined {
  if (alert.tier !== 'P1' || alert.acknowledgedAt !== undefined) return undefined;
  const step = steps[alert.escalatedSteps];
  if (!step) return undefined;
  return now - alert.firedAt >= step.after ? alert.escalatedSteps : undefined;
}
