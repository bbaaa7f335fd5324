import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRuleSchema, type AlertRule } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { querySloWindows, sloBurnSamples } from './evaluateSloBurn.ts';

// slo_burn over real transactions on chDB, default SRE-workbook windows (1h/5m and 6h/30m at 14.4
// and 6: page; 3d/6h at 1: ticket), objective 99% on time (budget 1%).

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 9, 10, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
let store: TestStore;

function tx(plant: string, i: number, status: string, at: number, flow = 'goods_movement') {
  const finished = status !== 'in_progress';
  const problem = status === 'late' || status === 'missing';
  return {
    key: `${plant}/GM/${i}`,
    flow,
    plant,
    status,
    started_at: iso(at - 10 * MIN),
    ...(finished && status !== 'missing' ? { completed_at: iso(at) } : {}),
    ...(problem ? { problem_deadline_at: iso(at) } : {}),
    updated_at: iso(at),
    version: 1,
    is_deleted: 0,
  };
}

beforeAll(async () => {
  store = await openTestStore();
  const rows: object[] = [];
  // P01, a slow burn: one transaction every 12 minutes over 60 hours, 6 of the 300 late (2%), the
  // latest of them 2 hours ago. Twenty late ones judged after `now` (a replay ahead of the data clock)
  // must not count.
  for (let i = 0; i < 300; i++)
    rows.push(tx('P01', i, i % 50 === 10 ? 'late' : 'completed', NOW - i * 12 * MIN - 1000));
  for (let i = 0; i < 20; i++) rows.push(tx('P01', 1000 + i, 'late', NOW + 10 * MIN));
  // P03, a fast burn made of duplicates: ten a minute over 50 minutes, every fifth a duplicate (20%).
  for (let i = 0; i < 500; i++)
    rows.push(tx('P03', i, i % 5 === 0 ? 'duplicate' : 'recovered', NOW - Math.floor(i / 10) * MIN - 1000));
  // P04: 50 still in progress and 5 late in the last 20 minutes: 5 judged, below minVolume (10).
  for (let i = 0; i < 55; i++)
    rows.push(tx('P04', i, i < 50 ? 'in_progress' : 'late', NOW - (i % 20) * MIN - 1000));
  // Another flow, not asked for.
  for (let i = 0; i < 20; i++) rows.push(tx('P01', 5000 + i, 'failed', NOW - MIN, 'shipment_booking'));
  await store.insert('transactions', rows);
});
afterAll(() => store.drop());

const rule = AlertRuleSchema.parse({ id: 'gm_burn', kind: 'slo_burn', flows: ['goods_movement'] }) as Extract<
  AlertRule,
  { kind: 'slo_burn' }
>;

describe('slo burn over the transaction store', () => {
  it('counts judged and bad transactions per window, ignoring in-progress ones and those judged after now', async () => {
    const rows = await querySloWindows(store, rule, ['goods_movement'], NOW);
    expect(rows.map((r) => `${r.flow} ${r.plant}`)).toEqual([
      'goods_movement P01',
      'goods_movement P03',
      'goods_movement P04',
    ]);
    const p01 = rows[0]?.windows;
    expect(p01?.[3 * 86_400_000]).toEqual({ judged: 300, bad: 6 });
    expect(p01?.[6 * 3_600_000]).toEqual({ judged: 30, bad: 1 });
    expect(p01?.[3_600_000]).toEqual({ judged: 5, bad: 0 });
    expect(rows[2]?.windows[3_600_000]).toEqual({ judged: 5, bad: 5 });
  });

  it('pages on a fast burn of duplicates, raises a ticket on a slow one, and judges nothing below minVolume', async () => {
    const rows = await querySloWindows(store, rule, ['goods_movement'], NOW);
    const samples = sloBurnSamples(rule, rows, () => 0.99);
    expect(samples.map((s) => [s.labels.plant, s.labels.severity, s.active, s.value])).toEqual([
      ['P01', 'ticket', true, 2],
      ['P03', 'page', true, 20],
      ['P04', 'page', false, 100],
    ]);
    // Examples: at most 5 bad keys, from the shortest window (the last 5 minutes: i < 50).
    const examples = samples[1]?.examples ?? [];
    expect(examples).toHaveLength(5);
    for (const key of examples) {
      const i = Number(key.split('/')[2]);
      expect([i % 5, i < 50]).toEqual([0, true]);
    }
    expect(samples[1]?.transactions).toBe(100);
  });
});
