import { describe, expect, it } from 'vitest';
import { makePlants } from './estate.ts';
import { deadlineFor, TransactionPlanner } from './planTransactions.ts';
import { exampleSimFlows } from './testing/exampleFlows.ts';

const flows = exampleSimFlows();
const start = Date.parse('2026-11-25T07:00:00Z'); // a Wednesday, day shift at UTC+1
const HOUR = 3_600_000;
const planner = (seed = 11) =>
  new TransactionPlanner({
    seed,
    plants: makePlants(3),
    flows,
    odooWebhooks: true,
    guardMs: 150_000,
    sequenceBase: 1000,
  });

describe('TransactionPlanner', () => {
  it('plans the same transactions for the same seed, and others for another seed', () => {
    const a = planner(11).planRange(start, start + HOUR);
    const b = planner(11).planRange(start, start + HOUR);
    const c = planner(12).planRange(start, start + HOUR);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(200);
    expect(c.map((t) => t.start)).not.toEqual(a.map((t) => t.start));
  });

  it('gives every transaction a unique business key per flow, in Odoo style', () => {
    const txns = planner().planRange(start, start + HOUR);
    const ids = new Set(txns.map((t) => `${t.flow}|${t.key}`));
    expect(ids.size).toBe(txns.length);
    expect(txns.find((t) => t.flow === 'production_order_release')?.key).toMatch(/^[A-Z]{3}\/MO\/\d{5}$/);
  });

  it('plans steps in flow order, starting with the first step at the start time', () => {
    for (const t of planner().planRange(start, start + HOUR)) {
      const flow = flows.find((f) => f.id === t.flow)!;
      expect(t.steps[0]).toMatchObject({ step: flow.steps[0]!.id, time: t.start });
      const order = t.steps.map((s) => flow.steps.findIndex((f) => f.id === s.step));
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      expect(t.steps.every((s, i) => i === 0 || s.time >= t.steps[i - 1]!.time)).toBe(true);
    }
  });

  it('runs a flow only in the plants it names', () => {
    const plants = new Set(
      planner()
        .planRange(start, start + HOUR)
        .filter((t) => t.flow === 'supplier_asn')
        .map((t) => t.plant),
    );
    expect([...plants].sort()).toEqual(['P01', 'P02']);
  });

  it('fans a step out to child keys and records how many children to expect', () => {
    const t = planner()
      .planRange(start, start + HOUR)
      .find((x) => x.flow === 'operation_confirmation')!;
    const children = t.steps.filter((s) => s.step === 'wo_confirmed');
    expect(children.length).toBeGreaterThanOrEqual(2);
    expect(t.attributes.work_orders).toBe(String(children.length));
    expect(new Set(children.map((c) => c.childKey)).size).toBe(children.length);
    expect(children[0]!.childKey).toMatch(/\/WO\/\d{5}-\d$/);
  });

  it('keeps every deadline clearly met or clearly missed (outside the guard band)', () => {
    for (const t of planner().planRange(start, start + 2 * HOUR)) {
      const flow = flows.find((f) => f.id === t.flow)!;
      for (const d of flow.deadlines) {
        const from = t.steps.filter((s) => s.step === d.from).map((s) => s.time);
        const to = t.steps.filter((s) => s.step === d.to).map((s) => s.time);
        if (!from.length || !to.length) continue;
        const fanOut = !!flow.steps.find((s) => s.id === d.to)?.fanOut;
        const elapsed = (fanOut ? Math.max(...to) : Math.min(...to)) - Math.min(...from);
        const limit = deadlineFor(d, t.plant);
        expect(Math.abs(elapsed - limit)).toBeGreaterThanOrEqual(Math.min(150_000, limit * 0.1));
      }
    }
  });

  it('plans more work on a weekday day shift than on a Sunday night', () => {
    const weekday = planner().planRange(start, start + HOUR).length;
    const sunday = Date.parse('2026-11-29T01:00:00Z');
    const quiet = planner().planRange(sunday, sunday + HOUR).length;
    expect(weekday).toBeGreaterThan(3 * quiet);
  });
});
