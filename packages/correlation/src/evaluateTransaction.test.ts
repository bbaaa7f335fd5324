import { describe, expect, it } from 'vitest';
import { evaluateTransaction } from './evaluateTransaction.ts';
import { summarizeEvents, type CorrelationEvent } from './observations.ts';
import { MIN, T0, makeEvent as ev, makeFlow } from './testing/builders.ts';

const SKEW = 2 * MIN;
const KEY = 'MO/00042';

function evaluate(events: CorrelationEvent[], nowMinutes: number, flow = makeFlow()) {
  return evaluateTransaction(flow, KEY, summarizeEvents(events), T0 + nowMinutes * MIN, { clockSkew: SKEW });
}

const onTime = () => [
  ev('release', 0, { system: 'odoo' }),
  ev('start', 3),
  ev('confirm', 20),
  ev('post', 25, { system: 'odoo' }),
];

describe('evaluateTransaction', () => {
  it('marks a transaction completed when every step arrived within its deadline', () => {
    const r = evaluate(onTime(), 60);
    expect(r.status).toBe('completed');
    expect(r.started).toBe(true);
    expect(r.e2eMs).toBe(25 * MIN);
    expect(r.completedAt).toBe(T0 + 25 * MIN);
    expect(r.reason).toBe('completed in 25m');
    expect(r.stepsDone).toBe(4);
    expect(r.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(r.nextCheckAt).toBeNull();
  });

  it('keeps a transaction in progress while its next deadline is still running, and says when to look again', () => {
    const r = evaluate([ev('release', 0), ev('start', 3)], 10);
    expect(r.status).toBe('in_progress');
    expect(r.reason).toBe('waiting for confirm, due 2026-11-27T08:33:00.000Z');
    expect(r.nextDeadlineAt).toBe(T0 + 33 * MIN);
    expect(r.nextCheckAt).toBe(T0 + 33 * MIN + 1);
    expect(r.steps[2]?.expectedBy).toBe(T0 + 33 * MIN);
    expect(r.steps[2]?.state).toBe('pending');
  });

  it('marks a confirmation missing when the deadline passes without it', () => {
    const r = evaluate([ev('release', 0), ev('start', 3)], 40);
    expect(r.status).toBe('missing');
    expect(r.problemStep).toBe('confirm');
    expect(r.problemDeadlineAt).toBe(T0 + 33 * MIN);
    expect(r.lateByMs).toBe(7 * MIN);
    expect(r.reason).toBe('confirm missing: due 2026-11-27T08:33:00.000Z (30m after start)');
    expect(r.steps[2]?.state).toBe('missing');
    expect(r.nextCheckAt).toBeNull();
  });

  it('flags a missing step as soon as the deadline passes, and takes it back when the step arrives within the tolerance', () => {
    expect(evaluate([ev('release', 0)], 4.99).status).toBe('in_progress');
    expect(evaluate([ev('release', 0)], 5.01).status).toBe('missing');
    const r = evaluate([ev('release', 0), ev('start', 6.5), ev('confirm', 20), ev('post', 25)], 30);
    expect(r.status).toBe('completed');
  });

  it('marks a completed transaction late with the lateness of its worst deadline', () => {
    const r = evaluate([ev('release', 0), ev('start', 3), ev('confirm', 44), ev('post', 46)], 60);
    expect(r.status).toBe('late');
    expect(r.lateByMs).toBe(11 * MIN);
    expect(r.problemStep).toBe('confirm');
    expect(r.reason).toBe('confirm 11m late (due 30m after start)');
    expect(r.steps[2]?.state).toBe('late');
    expect(r.steps[2]?.lateByMs).toBe(11 * MIN);
  });

  it('does not count lateness within the clock skew as late', () => {
    const r = evaluate([ev('release', 0), ev('start', 3), ev('confirm', 34.5), ev('post', 40)], 60);
    expect(r.status).toBe('completed');
  });

  it('turns missing into late when the step arrives after its deadline', () => {
    const before = [ev('release', 0), ev('start', 3)];
    expect(evaluate(before, 50).status).toBe('missing');
    const after = evaluate([...before, ev('confirm', 45), ev('post', 47)], 50);
    expect(after.status).toBe('late');
    expect(after.lateByMs).toBe(12 * MIN);
  });

  it('turns missing into completed when a step that happened on time arrives late', () => {
    const before = [ev('release', 0), ev('start', 3)];
    expect(evaluate(before, 50).status).toBe('missing');
    expect(evaluate([...before, ev('confirm', 20), ev('post', 25)], 50).status).toBe('completed');
  });

  it('gives the same result whatever order the events arrive in', () => {
    const events = [
      ev('release', 0),
      ev('start', 3),
      ev('confirm', 44),
      ev('post', 46),
      ev('confirm', 50, { outcome: 'failed' }),
    ];
    const expected = evaluate(events, 60);
    for (const shuffled of [
      [...events].reverse(),
      [events[2], events[0], events[4], events[1], events[3]] as CorrelationEvent[],
    ]) {
      expect(evaluate(shuffled, 60)).toEqual(expected);
    }
  });

  it('marks a transaction failed with the error category when a step fails and is not retried', () => {
    const r = evaluate(
      [
        ev('release', 0),
        ev('start', 3),
        ev('confirm', 10, { outcome: 'failed', errorCategory: 'validation' }),
      ],
      15,
    );
    expect(r.status).toBe('failed');
    expect(r.errorCategory).toBe('validation');
    expect(r.problemStep).toBe('confirm');
    expect(r.reason).toBe('confirm failed: validation');
    expect(r.steps[2]?.state).toBe('failed');
  });

  it('marks a dead-lettered step as failed even after its deadline passed', () => {
    const r = evaluate(
      [ev('release', 0), ev('start', 3, { outcome: 'dead_lettered', errorCategory: 'mes_unreachable' })],
      60,
    );
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('start dead-lettered: mes_unreachable');
  });

  it('marks a transaction recovered when a failed step succeeds on retry and the flow completes on time', () => {
    const r = evaluate(
      [...onTime(), ev('confirm', 15, { outcome: 'failed', errorCategory: 'lock_timeout' })],
      60,
    );
    expect(r.status).toBe('recovered');
    expect(r.errorCategory).toBe('lock_timeout');
    expect(r.reason).toBe('completed after 1 unsuccessful attempt at confirm (lock_timeout)');
  });

  it('lets event time, not arrival, decide whether a success resolves a failure', () => {
    // The success happened before the failure: the latest attempt failed.
    const r = evaluate(
      [
        ev('release', 0),
        ev('start', 3),
        ev('confirm', 10),
        ev('confirm', 12, { outcome: 'failed', errorCategory: 'posting' }),
      ],
      15,
    );
    expect(r.status).toBe('failed');
  });

  it('keeps a retried step in progress, then recovered once it succeeds', () => {
    const retrying = [
      ev('release', 0),
      ev('start', 3),
      ev('confirm', 10, { outcome: 'retried', errorCategory: 'timeout' }),
    ];
    const r = evaluate(retrying, 15);
    expect(r.status).toBe('in_progress');
    expect(r.reason).toBe('waiting for confirm, due 2026-11-27T08:33:00.000Z; retrying after timeout');
    expect(r.steps[2]?.state).toBe('retrying');
    expect(evaluate([...retrying, ev('confirm', 12), ev('post', 14)], 20).status).toBe('recovered');
  });

  it('marks a duplicate when a non-repeating step is recorded twice under different event ids', () => {
    const r = evaluate([...onTime(), ev('post', 26, { system: 'odoo' })], 60);
    expect(r.status).toBe('duplicate');
    expect(r.reason).toBe('post recorded 2 times');
    expect(r.steps[3]?.state).toBe('duplicate');
  });

  it('does not count the same event delivered twice as a duplicate', () => {
    const events = onTime();
    expect(evaluate([...events, { ...(events[3] as CorrelationEvent) }], 60).status).toBe('completed');
  });

  it('accepts a repeating step many times and times its deadline from the first occurrence', () => {
    const flow = makeFlow({
      steps: [
        { id: 'asn', system: 'supplier' },
        { id: 'receipt', system: 'wms', repeat: true },
      ],
      deadlines: [{ from: 'asn', to: 'receipt', within: '1h' }],
    });
    const r = evaluate([ev('asn', 0), ev('receipt', 50), ev('receipt', 70), ev('receipt', 90)], 120, flow);
    expect(r.status).toBe('completed');
    expect(r.steps[1]?.count).toBe(3);
    expect(r.steps[1]?.actualAt).toBe(T0 + 50 * MIN);
  });

  describe('fan-out', () => {
    const flow = makeFlow({
      steps: [
        { id: 'release', system: 'odoo' },
        { id: 'wo_confirm', system: 'mes', fanOut: { key: 'work_order', countAttribute: 'work_orders' } },
        { id: 'post', system: 'odoo' },
      ],
      deadlines: [
        { from: 'release', to: 'wo_confirm', within: '1h' },
        { from: 'wo_confirm', to: 'post', within: '10m' },
      ],
    });
    const release = () => ev('release', 0, { attributes: { work_orders: '3' } });
    const child = (wo: string, minutes: number, extra: Partial<CorrelationEvent> = {}) =>
      ev('wo_confirm', minutes, { key: wo, ...extra });

    it('completes a fan-out step when every expected child has done it, at the time of the last one', () => {
      const r = evaluate(
        [release(), child('WO-1', 10), child('WO-2', 30), child('WO-3', 20), ev('post', 35)],
        60,
        flow,
      );
      expect(r.status).toBe('completed');
      expect(r.steps[1]?.actualAt).toBe(T0 + 30 * MIN);
      expect(r.steps[1]?.children).toEqual({ done: 3, expected: 3, key: 'work_order' });
      expect(r.linkedKeys).toEqual(['WO-1', 'WO-2', 'WO-3']);
    });

    it('reports how many children are missing when the fan-out deadline passes', () => {
      const r = evaluate([release(), child('WO-1', 10), child('WO-2', 30)], 90, flow);
      expect(r.status).toBe('missing');
      expect(r.reason).toBe(
        'wo_confirm missing: due 2026-11-27T09:00:00.000Z (1h00m after release) (2 of 3 work orders done)',
      );
    });

    it('marks a child confirmed twice as a duplicate', () => {
      const r = evaluate(
        [
          release(),
          child('WO-1', 10),
          child('WO-1', 11),
          child('WO-2', 30),
          child('WO-3', 20),
          ev('post', 35),
        ],
        60,
        flow,
      );
      expect(r.status).toBe('duplicate');
      expect(r.reason).toBe('wo_confirm recorded 2 times for WO-1');
    });

    it('fails the transaction when one child fails without a successful retry', () => {
      const r = evaluate(
        [release(), child('WO-1', 10), child('WO-2', 12, { outcome: 'failed', errorCategory: 'scrap' })],
        20,
        flow,
      );
      expect(r.status).toBe('failed');
      expect(r.errorCategory).toBe('scrap');
    });

    it('without a count, completes with the children seen so far and times it by the latest', () => {
      const noCount = makeFlow({
        steps: flow.steps.map((s) => (s.fanOut ? { ...s, fanOut: { key: 'work_order' } } : s)),
        deadlines: flow.deadlines.map((d) => ({ ...d })),
      });
      const r = evaluate(
        [ev('release', 0), child('WO-1', 10), child('WO-2', 30), ev('post', 35)],
        60,
        noCount,
      );
      expect(r.status).toBe('completed');
      expect(r.steps[1]?.children).toEqual({ done: 2, expected: null, key: 'work_order' });
      expect(r.steps[1]?.actualAt).toBe(T0 + 30 * MIN);
    });
  });

  it('counts events under linked keys towards the transaction', () => {
    const r = evaluate(
      [
        ev('release', 0),
        ev('start', 3, { key: 'WO-7781' }),
        ev('confirm', 20, { key: 'WO-7781' }),
        ev('post', 25),
      ],
      60,
    );
    expect(r.status).toBe('completed');
    expect(r.linkedKeys).toEqual(['WO-7781']);
  });

  it('says there is no transaction when the first step was never seen', () => {
    const r = evaluate([ev('start', 3), ev('confirm', 20)], 60);
    expect(r.started).toBe(false);
    expect(r.startedAt).toBeNull();
  });

  it('applies a per-plant deadline instead of the default', () => {
    const flow = makeFlow({
      deadlines: [
        { from: 'release', to: 'start', within: '5m', plants: { P02: '20m' } },
        { from: 'start', to: 'confirm', within: '30m' },
        { from: 'confirm', to: 'post', within: '10m' },
      ],
    });
    expect(evaluate([ev('release', 0), ev('start', 15)], 16, flow).status).toBe('in_progress');
    const p02 = [ev('release', 0, { plant: 'P02' }), ev('start', 15, { plant: 'P02' })];
    expect(evaluate(p02, 16, flow).steps[1]?.state).toBe('done');
    const p01 = evaluate([ev('release', 0), ev('start', 15), ev('confirm', 20), ev('post', 25)], 60, flow);
    expect(p01.status).toBe('late');
    expect(p01.lateByMs).toBe(10 * MIN);
  });

  it('tolerates a step stamped slightly before its predecessor by a skewed clock', () => {
    const r = evaluate([ev('release', 10), ev('start', 9), ev('confirm', 20), ev('post', 25)], 60);
    expect(r.status).toBe('completed');
    expect(r.e2eMs).toBe(15 * MIN);
  });

  it('does not wait for optional steps, and shows them skipped once complete', () => {
    const flow = makeFlow({
      steps: [
        { id: 'release', system: 'odoo' },
        { id: 'print_label', system: 'mes', optional: true },
        { id: 'post', system: 'odoo' },
      ],
      deadlines: [
        { from: 'release', to: 'print_label', within: '1m' },
        { from: 'release', to: 'post', within: '30m' },
      ],
    });
    const r = evaluate([ev('release', 0), ev('post', 20)], 60, flow);
    expect(r.status).toBe('completed');
    expect(r.steps[1]?.state).toBe('skipped');
    expect(r.stepsTotal).toBe(2);
  });

  it('sets aside observations of steps the flow does not have', () => {
    const r = evaluate([...onTime(), ev('unknown_step', 5)], 60);
    expect(r.status).toBe('completed');
    expect(r.unknownSteps.map((o) => o.step)).toEqual(['unknown_step']);
  });

  it('ranks failed above duplicate above missing', () => {
    const dupAndMissing = [ev('release', 0), ev('start', 3), ev('start', 4)];
    expect(evaluate(dupAndMissing, 60).status).toBe('duplicate');
    expect(evaluate([...dupAndMissing, ev('confirm', 5, { outcome: 'failed' })], 60).status).toBe('failed');
  });
});
