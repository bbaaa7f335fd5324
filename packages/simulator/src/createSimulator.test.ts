import { describe, expect, it } from 'vitest';
import { parseDuration } from '@linewatch/schema';
import { createSimulator, type SimulatorOptions } from './createSimulator.ts';
import { scheduleScenarios } from './scenarios.ts';
import { exampleSimFlows } from './testing/exampleFlows.ts';
import { createMemorySink } from './testing/memorySink.ts';
import type { TransactionTruth, TruthLine } from './truth.ts';

const MIN = 60_000;
const start = Date.parse('2026-11-25T07:00:00Z');

/** Drives a simulator with a manual real clock: each step advances real time and runs one tick. */
function harness(overrides: Partial<SimulatorOptions> = {}) {
  let realNow = 1_000_000;
  const sink = createMemorySink();
  const truth: TruthLine[] = [];
  const sim = createSimulator({
    flows: exampleSimFlows(),
    sink,
    seed: 9,
    speed: 60,
    start,
    realClock: () => realNow,
    truth: (l) => truth.push(l),
    ...overrides,
  });
  const advance = async (simMs: number, stepSimMs = 15_000) => {
    for (let t = 0; t < simMs; t += stepSimMs) {
      realNow += stepSimMs / sim.clock.speed;
      await sim.tick();
    }
  };
  return { sim, sink, truth, advance };
}

describe('createSimulator', () => {
  it('sends each step when the simulated clock reaches it, in order, with truth for every finished transaction', async () => {
    const { sim, sink, truth, advance } = harness({ durationMs: 30 * MIN });
    await advance(30 * MIN);
    expect(sink.steps.length).toBeGreaterThan(100);
    const sendAts = sink.steps.map((s) => s.emission.sendAt);
    expect(sendAts.every((t, i) => i === 0 || t >= sendAts[i - 1]! - 15_000)).toBe(true);
    expect(sendAts.every((t) => t <= start + 30 * MIN)).toBe(true);
    await advance(3 * 60 * MIN, 60_000);
    await sim.drained;
    const txns = truth.filter((l): l is TransactionTruth => l.type === 'transaction');
    const sentKeys = new Set(sink.steps.map((s) => `${s.emission.flow}|${s.txn.split('|')[1]}`));
    expect(new Set(txns.map((t) => `${t.flow}|${t.key}`))).toEqual(sentKeys);
    expect(txns.every((t) => Date.parse(t.startedAt) < start + 30 * MIN)).toBe(true);
    expect(txns.reduce((n, t) => n + t.events, 0)).toBe(sink.steps.length);
    await sim.stop();
    expect(sink.closed).toBe(true);
  });

  it('replays the same run for the same seed', async () => {
    const run = async () => {
      const h = harness({ durationMs: 20 * MIN });
      await h.advance(2 * 60 * MIN, 60_000);
      return h.sink.steps.map((s) => `${s.emission.eventId}@${s.emission.reportedTime}`);
    };
    const [a, b] = [await run(), await run()];
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
  });

  it('writes the scenario windows and marks the transactions they shaped', async () => {
    const scenarios = scheduleScenarios(['slow-consumer@10m+10m'], start, 40 * MIN, parseDuration);
    const { truth, advance } = harness({ durationMs: 40 * MIN, scenarios });
    await advance(3 * 60 * MIN, 60_000);
    expect(truth[0]).toMatchObject({
      type: 'scenario',
      name: 'slow-consumer',
      plant: 'P01',
      from: '2026-11-25T07:10:00.000Z',
    });
    const hit = truth.filter(
      (l): l is TransactionTruth => l.type === 'transaction' && l.scenario === 'slow-consumer',
    );
    expect(hit.length).toBeGreaterThan(0);
    expect(hit.some((t) => t.status === 'late')).toBe(true);
  });

  it('reports queue depth and oldest age climbing behind a slow consumer, and draining after it', async () => {
    const scenarios = scheduleScenarios(['slow-consumer@10m+15m'], start, 60 * MIN, parseDuration);
    const { sink, advance } = harness({ durationMs: 60 * MIN, scenarios });
    await advance(60 * MIN);
    const series = sink.queueReports.map((r) => ({
      t: r.time,
      s: r.samples.find((q) => q.queue === 'p01.middleware.production_order_release'),
    }));
    const depthAt = (min: number) =>
      series
        .filter((x) => x.t >= start + min * MIN && x.t < start + (min + 1) * MIN)
        .map((x) => x.s?.depth ?? 0);
    const before = Math.max(...depthAt(8));
    const during = Math.max(...depthAt(24));
    expect(during).toBeGreaterThan(before + 3);
    const oldest = series
      .filter((x) => x.t >= start + 23 * MIN && x.t < start + 25 * MIN)
      .map((x) => x.s?.oldestAgeSeconds ?? 0);
    expect(Math.max(...oldest)).toBeGreaterThan(300);
    expect(Math.max(...depthAt(55))).toBeLessThan(during);
    // Every queue of the estate reports, empty or not, with its plant.
    expect(
      sink.queueReports[0]!.samples.some(
        (q) => q.queue === 'p02.mes.production_order_release' && q.plant === 'P02',
      ),
    ).toBe(true);
  });

  it('switches a scenario on and off at run time and reports its state', async () => {
    const { sim, sink, advance } = harness();
    await advance(5 * MIN);
    expect(sim.scenarios().every((s) => !s.active)).toBe(true);
    const on = sim.setScenario('expired-credential', true);
    expect(on).toMatchObject({ name: 'expired-credential', active: true, system: 'carrier', to: null });
    await advance(40 * MIN);
    expect(sink.steps.some((s) => s.emission.errorCategory === 'auth')).toBe(true);
    const off = sim.setScenario('expired-credential', false);
    expect(off.active).toBe(false);
    expect(off.to).not.toBeNull();
    const offAt = sim.clock.now();
    await advance(40 * MIN);
    expect(sink.steps.filter((s) => s.emission.errorCategory === 'auth' && s.emission.time >= offAt)).toEqual(
      [],
    );
    expect(() => sim.setScenario('meteor', true)).toThrow(/unknown scenario/);
  });

  it('continues at real speed once a backfilled live run catches up with the real clock', async () => {
    let realNow = start;
    const sim = createSimulator({
      flows: exampleSimFlows(),
      sink: createMemorySink(),
      speed: 120,
      start: start - 30 * MIN,
      live: true,
      realClock: () => realNow,
    });
    for (let i = 0; i < 20 && sim.clock.speed > 1; i++) {
      realNow += 1_000;
      await sim.tick();
    }
    expect(sim.clock.speed).toBe(1);
    expect(Math.abs(sim.clock.now() - realNow)).toBeLessThan(1_000);
  });
});
