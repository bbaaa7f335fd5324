import { describe, expect, it } from 'vitest';
import { rejectionsByReason } from './CollectorPage.tsx';

describe('collector rejections', () => {
  it('keeps only rejection measures, grouped by reason, most first', () => {
    const rows = [
      { component: 'events', signal: 'business_events', measure: 'accepted', reason: '', value: 100 },
      { component: 'events', signal: 'business_events', measure: 'rejected', reason: 'invalid', value: 3 },
      { component: 'pipeline', signal: 'otel_traces', measure: 'refused', reason: 'spool_full', value: 7 },
      { component: 'events', signal: 'business_events', measure: 'rejected', reason: 'invalid', value: 2 },
    ];
    expect(rejectionsByReason(rows)).toEqual([
      { measure: 'refused', reason: 'spool_full', signal: 'otel_traces', value: 7 },
      { measure: 'rejected', reason: 'invalid', signal: 'business_events', value: 5 },
    ]);
  });
});
