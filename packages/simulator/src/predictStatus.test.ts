import { describe, expect, it } from 'vitest';
import type { SimFlow } from './model.ts';
import { predictStatus, type ObservedEvent } from './predictStatus.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-25T08:00:00Z');
const flow: SimFlow = {
  id: 'release',
  key: 'production_order',
  plants: [],
  steps: [
    { id: 'released', system: 'odoo', optional: false, repeat: false },
    { id: 'routed', system: 'middleware', optional: false, repeat: false },
    { id: 'received', system: 'mes', optional: false, repeat: false },
    { id: 'printed', system: 'mes', optional: true, repeat: false },
  ],
  deadlines: [
    { from: 'released', to: 'received', withinMs: 5 * MIN, plants: { P02: 10 * MIN } },
    { from: 'received', to: 'printed', withinMs: 5 * MIN, plants: {} },
  ],
};
let n = 0;
const ev = (step: string, minutes: number, extra: Partial<ObservedEvent> = {}): ObservedEvent => ({
  step,
  key: 'MO/1',
  eventId: `e${n++}`,
  time: T0 + minutes * MIN,
  outcome: 'ok',
  ...extra,
});
const predict = (events: ObservedEvent[], plant = 'P01', asOf = Infinity) =>
  predictStatus(flow, plant, events, asOf, 2 * MIN);

describe('predictStatus', () => {
  it('says completed when every required step happened within its deadline', () => {
    expect(predict([ev('released', 0), ev('routed', 1), ev('received', 3)]).status).toBe('completed');
  });

  it('says late when a deadline was missed by more than the clock-skew tolerance', () => {
    const p = predict([ev('released', 0), ev('routed', 1), ev('received', 9)]);
    expect(p).toMatchObject({ status: 'late', problemStep: 'received', ambiguous: false });
  });

  it('uses the per-plant deadline', () => {
    expect(predict([ev('released', 0), ev('routed', 1), ev('received', 9)], 'P02').status).toBe('completed');
  });

  it('flags as ambiguous a lateness within the tolerance, which the engine forgives', () => {
    const p = predict([ev('released', 0), ev('routed', 1), ev('received', 6)]);
    expect(p.ambiguous).toBe(true);
  });

  it('says missing once a deadline passed without its step, and when it turned missing', () => {
    const events = [ev('released', 0), ev('routed', 1)];
    expect(predict(events, 'P01', T0 + 4 * MIN).status).toBe('in_progress');
    expect(predict(events)).toMatchObject({
      status: 'missing',
      problemStep: 'received',
      settledAt: T0 + 5 * MIN,
    });
  });

  it('never calls an optional step missing', () => {
    expect(predict([ev('released', 0), ev('routed', 1), ev('received', 2)]).status).toBe('completed');
  });

  it('says failed with the category when the last attempt failed, ahead of a missing deadline', () => {
    const p = predict([
      ev('released', 0),
      ev('routed', 1, { outcome: 'dead_lettered', errorCategory: 'malformed_message' }),
    ]);
    expect(p).toMatchObject({ status: 'failed', errorCategory: 'malformed_message', problemStep: 'routed' });
  });

  it('says recovered when a failed step succeeded on a retry in time', () => {
    const p = predict([
      ev('released', 0),
      ev('routed', 1, { outcome: 'failed', errorCategory: 'timeout' }),
      ev('routed', 2),
      ev('received', 3),
    ]);
    expect(p.status).toBe('recovered');
  });

  it('treats an unanswered retry as still in progress rather than failed', () => {
    expect(
      predict([ev('released', 0), ev('routed', 1, { outcome: 'retried' })], 'P01', T0 + 2 * MIN).status,
    ).toBe('in_progress');
  });

  it('says duplicate when a step was recorded twice under different event ids, but not for the same id twice', () => {
    const routed = ev('routed', 1);
    expect(predict([ev('released', 0), routed, ev('routed', 1.2), ev('received', 3)]).status).toBe(
      'duplicate',
    );
    expect(predict([ev('released', 0), routed, routed, ev('received', 3)]).status).toBe('completed');
  });

  it('judges a fan-out step done when the expected number of children did it', () => {
    const fan: SimFlow = {
      ...flow,
      steps: [
        { id: 'released', system: 'odoo', optional: false, repeat: false },
        {
          id: 'wo',
          system: 'mes',
          optional: false,
          repeat: false,
          fanOut: { key: 'work_order', countAttribute: 'n' },
        },
      ],
      deadlines: [{ from: 'released', to: 'wo', withinMs: 10 * MIN, plants: {} }],
    };
    const events = [
      ev('released', 0, { attributes: { n: '2' } }),
      ev('wo', 2, { key: 'WO/1-1' }),
      ev('wo', 12.5, { key: 'WO/1-2' }),
    ];
    expect(predictStatus(fan, 'P01', events, Infinity, 2 * MIN).status).toBe('late');
    expect(predictStatus(fan, 'P01', events.slice(0, 2), Infinity, 2 * MIN).status).toBe('missing');
  });
});
