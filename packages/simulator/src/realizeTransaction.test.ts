import { describe, expect, it } from 'vitest';
import { makePlants } from './estate.ts';
import type { RealizedTransaction } from './model.ts';
import { queueName, TransactionPlanner } from './planTransactions.ts';
import { realizeTransaction } from './realizeTransaction.ts';
import { resolveScenarioTarget, SKEW_MS, type ScenarioName, type ScenarioWindow } from './scenarios.ts';
import { exampleSimFlows } from './testing/exampleFlows.ts';

const flows = exampleSimFlows();
const plants = makePlants(3);
const start = Date.parse('2026-11-25T07:00:00Z');
const MIN = 60_000;
const planned = new TransactionPlanner({
  seed: 5,
  plants,
  flows,
  odooWebhooks: true,
  guardMs: 150_000,
  sequenceBase: 0,
}).planRange(start, start + 90 * MIN);
const window = (name: ScenarioName, from = start + 20 * MIN, to = start + 40 * MIN): ScenarioWindow => ({
  name,
  from,
  to,
  target: resolveScenarioTarget(name, flows, plants, queueName),
});
const realizeAll = (windows: ScenarioWindow[], organicFaults = false) =>
  planned
    .map((p) =>
      realizeTransaction(p, {
        flow: flows.find((f) => f.id === p.flow)!,
        windows,
        toleranceMs: 120_000,
        runId: 't',
        organicFaults,
      }),
    )
    .filter((r): r is RealizedTransaction => r !== undefined);
const affected = (name: ScenarioName) => realizeAll([window(name)]).filter((r) => r.scenario === name);

describe('realizeTransaction', () => {
  it('is deterministic: the same plan and schedule give the same emissions', () => {
    expect(realizeAll([window('poison-messages')], true)).toEqual(
      realizeAll([window('poison-messages')], true),
    );
  });

  it('completes nearly everything on time without scenarios, with a few background faults', () => {
    const all = realizeAll([], true);
    const completed = all.filter((r) => r.status === 'completed').length;
    expect(completed / all.length).toBeGreaterThan(0.9);
    expect(all.every((r) => !r.scenario)).toBe(true);
  });

  it('makes the outage plant MES steps missing and holds their messages in the inbound queue until it is back', () => {
    const hit = affected('connector-outage');
    expect(hit.length).toBeGreaterThan(0);
    for (const r of hit) {
      expect(r.planned.plant).toBe('P02');
      expect(['missing', 'in_progress']).toContain(r.status);
      expect(
        r.emissions.some(
          (e) => e.system === 'mes' && e.time >= start + 20 * MIN && e.time < start + 40 * MIN,
        ),
      ).toBe(false);
    }
    const stays = hit.flatMap((r) => r.queueStays).filter((s) => s.queue.startsWith('p02.mes.'));
    expect(stays.length).toBeGreaterThan(0);
    expect(stays.every((s) => s.dequeued === start + 40 * MIN)).toBe(true);
  });

  it('delays the steps behind a slow consumer more the longer the backlog has grown, making them late', () => {
    const hit = affected('slow-consumer');
    expect(hit.some((r) => r.status === 'late')).toBe(true);
    const waits = hit
      .flatMap((r) => r.queueStays)
      .filter((s) => s.queue === 'p01.middleware.production_order_release')
      .map((s) => ({ at: s.enqueued, wait: (s.dequeued as number) - s.enqueued }))
      .sort((a, b) => a.at - b.at);
    expect(waits.at(-1)!.wait).toBeGreaterThan(waits[0]!.wait);
  });

  it('dead-letters poison messages with a category and puts them on the dead-letter queue', () => {
    const hit = affected('poison-messages');
    expect(hit.length).toBeGreaterThan(0);
    for (const r of hit) {
      expect(r).toMatchObject({ status: 'failed', errorCategory: 'malformed_message' });
      expect(r.emissions.at(-1)!.outcome).toBe('dead_lettered');
      expect(r.queueStays.some((s) => s.queue.endsWith('.dlq') && s.dequeued === undefined)).toBe(true);
    }
  });

  it('records redelivered messages twice under different event ids', () => {
    const hit = affected('duplicate-deliveries');
    expect(hit.length).toBeGreaterThan(0);
    for (const r of hit) {
      expect(r.status).toBe('duplicate');
      const ids = r.emissions.map((e) => e.eventId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('fails the partner steps with an auth error while the credential is expired', () => {
    const hit = affected('expired-credential');
    expect(hit.length).toBeGreaterThan(0);
    for (const r of hit) expect(r).toMatchObject({ status: 'failed', errorCategory: 'auth' });
  });

  it('reports the skewed system 100 s behind without changing the truth', () => {
    const hit = affected('clock-skew');
    expect(hit.length).toBeGreaterThan(0);
    const skewed = hit.flatMap((r) => r.emissions).filter((e) => e.scenario === 'clock-skew');
    expect(skewed.every((e) => Math.abs(e.reportedTime - (e.time + SKEW_MS)) < 1000)).toBe(true);
    expect(
      hit.every((r) => r.status === 'completed' || r.status === 'late' || r.status === 'recovered'),
    ).toBe(true);
  });

  it('fails one product family in Odoo with master_data, some of them recovered by a retry', () => {
    const hit = affected('master-data-error');
    expect(hit.length).toBeGreaterThan(0);
    expect(hit.every((r) => r.planned.productFamily === 'HYD-PUMP')).toBe(true);
    expect(
      hit.every(
        (r) => (r.status === 'failed' && r.errorCategory === 'master_data') || r.status === 'recovered',
      ),
    ).toBe(true);
  });

  it('makes the steps behind a slow partner API late', () => {
    const hit = affected('partner-latency');
    expect(hit.length).toBeGreaterThan(0);
    expect(hit.some((r) => r.status === 'late')).toBe(true);
    expect(hit.every((r) => r.status === 'late' || r.status === 'completed')).toBe(true);
  });

  it('keeps what happened before a scenario was switched on, so a running simulator can re-plan in flight', () => {
    const toggle = start + 30 * MIN;
    const before = realizeAll([]);
    const after = realizeAll([
      window('slow-consumer', toggle, Infinity),
      window('connector-outage', toggle, Infinity),
    ]);
    for (const b of before) {
      const a = after.find((x) => x.planned.key === b.planned.key && x.planned.flow === b.planned.flow)!;
      const early = (r: RealizedTransaction) =>
        r.emissions.filter((e) => e.time < toggle).map((e) => e.eventId + e.reportedTime);
      expect(early(a)).toEqual(early(b));
    }
  });
});
