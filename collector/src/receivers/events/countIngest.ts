/** What a receiver counts: items received, accepted (durable), rejected (invalid) or ignored (nothing to store). */
export type IngestMeasure = 'received' | 'accepted' | 'rejected' | 'ignored';

/**
 * Where receivers report their counts for self-telemetry (`/metrics`, `linewatch_self`);
 * `receiver` is `events`, `odoo`, `mqtt`; `reason` qualifies rejected and ignored items.
 */
export type CountIngest = (receiver: string, measure: IngestMeasure, n: number, reason?: string) => void;

/** A CountIngest that records nothing, for callers without self-telemetry. */
export const countNothing: CountIngest = () => undefined;
