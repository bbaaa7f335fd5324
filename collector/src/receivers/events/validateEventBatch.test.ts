import { describe, expect, it } from 'vitest';
import type { BusinessEventInput } from '@linewatch/schema';
import { countItems, validateEventBatch } from './validateEventBatch.ts';

/** Matches any text, or text containing `part` (typed, for use inside expected objects). */
const text = (part?: string): string =>
  (part === undefined ? expect.any(String) : expect.stringContaining(part)) as string;

function makeEvent(overrides: Partial<BusinessEventInput> = {}): BusinessEventInput {
  return {
    id: 'evt-1',
    time: '2026-11-27T08:15:00.123456789Z',
    flow: 'production_confirmation',
    step: 'odoo_done',
    key: 'MO/00042',
    system: 'odoo',
    plant: 'P1',
    ...overrides,
  };
}

describe('validateEventBatch', () => {
  it('keeps valid events with their request index and applies the outcome default', () => {
    const r = validateEventBatch([makeEvent({ id: 'a' }), makeEvent({ id: 'b', outcome: 'failed' })]);
    expect(r.rejected).toEqual([]);
    expect(r.events.map((e) => [e.index, e.event.id, e.event.outcome])).toEqual([
      [0, 'a', 'ok'],
      [1, 'b', 'failed'],
    ]);
  });

  it('names the index and field of each invalid item and keeps the valid ones', () => {
    const { step: _omitted, ...noStep } = makeEvent({ id: 'no-step' });
    const r = validateEventBatch([
      makeEvent({ id: 'ok-1' }),
      noStep,
      { ...makeEvent({ id: 'bad-time' }), time: 'yesterday' },
      { ...makeEvent({ id: 'bad-keys' }), keys: { work_order: 7781 } },
      'not an object',
      makeEvent({ id: 'ok-2' }),
    ]);
    expect(r.events.map((e) => e.event.id)).toEqual(['ok-1', 'ok-2']);
    expect(r.rejected).toEqual([
      { index: 1, field: 'step', message: text() },
      { index: 2, field: 'time', message: text('RFC 3339') },
      { index: 3, field: 'keys.work_order', message: text() },
      { index: 4, field: '', message: 'expected an event object' },
    ]);
    expect(countItems(r.rejected)).toBe(4);
  });

  it('keeps the first of two events with the same id and rejects the second', () => {
    const r = validateEventBatch([
      makeEvent({ id: 'dup', step: 'first' }),
      makeEvent({ id: 'dup', step: 'second' }),
    ]);
    expect(r.events.map((e) => e.event.step)).toEqual(['first']);
    expect(r.rejected).toEqual([{ index: 1, field: 'id', message: text('first at index 0') }]);
  });

  it('stores events of unknown flows and warns about them', () => {
    const r = validateEventBatch(
      [makeEvent({ id: 'a', flow: 'nobody_defines_me' }), makeEvent({ id: 'b' })],
      new Set(['production_confirmation']),
    );
    expect(r.events).toHaveLength(2);
    expect(r.warnings).toEqual([{ index: 0, field: 'flow', message: text('nobody_defines_me') }]);
  });

  it('rejects times the time column cannot hold', () => {
    const r = validateEventBatch([makeEvent({ time: '2300-01-01T00:00:00Z' })]);
    expect(r.events).toEqual([]);
    expect(r.rejected[0]?.field).toBe('time');
  });
});
