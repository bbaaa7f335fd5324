import { describe, expect, it } from 'vitest';
import type { TransactionSummary } from '@linewatch/schema';
import { makeRow, makeTransaction } from '../testing/builders.ts';
import { flowRowHealth, statusHealth, worstFirst } from './health.ts';

const tx = (key: string, status: TransactionSummary['status'], lateByMs: number | null = null) =>
  makeTransaction({ key, status, lateByMs });

describe('health colours', () => {
  it('paints a flow red when it misses its target and transactions are missing or failed', () => {
    expect(flowRowHealth(makeRow({ onTimeRatio: 0.9, sloMet: false, missing: 3, onTime: 90 }))).toBe(
      'failing',
    );
  });

  it('paints a flow amber when it misses the target only through late transactions', () => {
    expect(flowRowHealth(makeRow({ onTimeRatio: 0.95, sloMet: false, late: 5 }))).toBe('degraded');
  });

  it('paints a flow amber for a single failure even while it meets the target', () => {
    expect(flowRowHealth(makeRow({ failed: 1, onTimeRatio: 0.995 }))).toBe('degraded');
  });

  it('calls a flow with nothing started idle, and one meeting its target with no problem healthy', () => {
    expect(flowRowHealth(makeRow({ volume: 0, onTimeRatio: null, sloMet: null }))).toBe('idle');
    expect(flowRowHealth(makeRow())).toBe('healthy');
  });

  it('treats failed and missing transactions as failing and late ones as degraded', () => {
    expect([
      statusHealth('failed'),
      statusHealth('missing'),
      statusHealth('late'),
      statusHealth('completed'),
    ]).toEqual(['failing', 'failing', 'degraded', 'healthy']);
  });

  it('orders the worst transactions first: failed, missing, then late by how late', () => {
    const sorted = worstFirst([
      tx('a', 'late', 1000),
      tx('b', 'missing'),
      tx('c', 'late', 9000),
      tx('d', 'failed'),
    ]);
    expect(sorted.map((t) => t.key)).toEqual(['d', 'b', 'c', 'a']);
  });
});
