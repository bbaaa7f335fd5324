import { describe, expect, it } from 'vitest';
import { FlowSchema, type Flow } from '@linewatch/schema';
import { buildReport, incidentsByTier, transactionUrl, type ReportContext } from './buildReport.ts';
import { weekWindow } from './isoWeek.ts';
import type { ReportData, StatusRow } from './model.ts';

function makeFlow(id: string, onTimeTarget = 0.99): Flow {
  return FlowSchema.parse({
    id,
    name: `Flow ${id}`,
    owner: 'manufacturing-it',
    criticality: 'production',
    key: 'production_order',
    steps: [{ id: 'release', system: 'odoo' }],
    slo: { onTimeTarget },
  });
}

function statusRow(flow: string, plant: string | null, o: Partial<StatusRow> = {}): StatusRow {
  return {
    flow,
    plant,
    volume: 0,
    inProgress: 0,
    completed: 0,
    late: 0,
    missing: 0,
    failed: 0,
    recovered: 0,
    duplicate: 0,
    p50E2eMs: null,
    p95E2eMs: null,
    ...o,
  };
}

const empty: ReportData = { statuses: [], categories: [], worst: [], trend: [], incidents: null };
const ctx: ReportContext = {
  title: 't',
  window: weekWindow('2026-W47', 'UTC'),
  scope: { kind: 'all' },
  flows: [makeFlow('a', 0.95), makeFlow('b')],
  trendWeeks: ['2026-W46', '2026-W47'],
  uiBaseUrl: 'http://ui/',
  generatedAt: 0,
};

describe('the report numbers', () => {
  it('judges on-time share, attainment and error budget on finished transactions', () => {
    const r = buildReport(
      {
        ...empty,
        statuses: [
          statusRow('a', null, {
            volume: 110,
            inProgress: 10,
            completed: 90,
            recovered: 2,
            late: 5,
            failed: 3,
          }),
        ],
      },
      ctx,
    );
    const a = r.flows[0];
    expect(a).toMatchObject({ flow: 'a', finished: 100, onTime: 92, onTimeRatio: 0.92, sloMet: false });
    expect(a?.attainment).toBeCloseTo(0.92 / 0.95, 12);
    // 5% of 100 finished may miss: 5 allowed, 8 spent, 160% used.
    expect(a?.errorBudget).toBeCloseTo(5, 12);
    expect(a?.errorBudgetSpent).toBe(8);
    expect(a?.errorBudgetUsed).toBeCloseTo(1.6, 12);
    expect(a?.errorBudgetRemaining).toBeCloseTo(-0.6, 12);
  });

  it('lists every flow in scope, with zeros and no ratio when nothing started', () => {
    const r = buildReport(empty, ctx);
    expect(r.flows.map((f) => f.flow)).toEqual(['a', 'b']);
    expect(r.flows[1]).toMatchObject({
      volume: 0,
      onTimeRatio: null,
      attainment: null,
      errorBudgetUsed: null,
    });
    expect(r.incidents).toEqual({ available: false });
  });

  it('keeps the 5 largest error categories, ties by name', () => {
    const categories = ['x', 'y', 'z', 'w', 'v', 'u'].map((c, i) => ({
      flow: 'a',
      plant: null,
      category: c,
      count: i < 2 ? 3 : 1,
    }));
    const r = buildReport({ ...empty, categories }, ctx);
    expect(r.flows[0]?.topErrorCategories).toEqual([
      { category: 'x', count: 3 },
      { category: 'y', count: 3 },
      { category: 'u', count: 1 },
      { category: 'v', count: 1 },
      { category: 'w', count: 1 },
    ]);
  });

  it('links the worst transactions to their timeline, keys escaped', () => {
    expect(transactionUrl('http://ui/', 'a', 'MO/1 #2')).toBe('http://ui/transactions/a/MO%2F1%20%232');
  });

  it('fills trend weeks without data with zero volume and no ratio', () => {
    const r = buildReport(
      { ...empty, trend: [{ week: '2026-W47', flow: 'a', volume: 4, onTime: 3, finished: 4 }] },
      ctx,
    );
    expect(r.trend.flows[0]?.points).toEqual([
      { week: '2026-W46', volume: 0, onTimeRatio: null },
      { week: '2026-W47', volume: 4, onTimeRatio: 0.75 },
    ]);
  });

  it('measures time to detect, acknowledge and resolve per tier', () => {
    const base = { rule: 'r', plant: 'P01', flow: '', startsAt: 0 };
    const tiers = incidentsByTier([
      { ...base, id: '1', tier: 'P1', firedAt: 60_000, acknowledgedAt: 120_000, resolvedAt: 600_000 },
      { ...base, id: '2', tier: 'P1', firedAt: 180_000, acknowledgedAt: null, resolvedAt: null },
      { ...base, id: '3', tier: 'P3', firedAt: 0, acknowledgedAt: null, resolvedAt: 60_000 },
    ]);
    expect(tiers.map((t) => t.tier)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(tiers[0]).toEqual({
      tier: 'P1',
      count: 2,
      acknowledged: 1,
      resolved: 1,
      meanTimeToDetectMs: 120_000,
      meanTimeToAcknowledgeMs: 60_000,
      meanTimeToResolveMs: 540_000,
    });
    expect(tiers[1]).toMatchObject({ count: 0, meanTimeToDetectMs: null });
  });
});
