import { describe, expect, it } from 'vitest';
import { BusinessEventSchema } from '@linewatch/schema';
import { exampleSimFlows } from '../testing/exampleFlows.ts';
import { generateEvents } from './generateEvents.ts';

const flows = exampleSimFlows();

describe('generateEvents', () => {
  it('makes the asked number of transactions as valid canonical events, with the truth of each', () => {
    const { events, truth } = generateEvents({ flows, transactions: 500, seed: 1 });
    expect(truth).toHaveLength(500);
    expect(new Set(truth.map((t) => `${t.flow}|${t.key}`)).size).toBe(500);
    expect(events).toHaveLength(truth.reduce((n, t) => n + t.events, 0));
    for (const e of events.slice(0, 200)) expect(BusinessEventSchema.safeParse(e).success).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('gives about the asked share of each fault', () => {
    const mix = { late: 0.05, missing: 0.04, failed: 0.03, duplicate: 0.02 };
    const { truth } = generateEvents({ flows, transactions: 4_000, seed: 2, mix });
    const share = (s: string) => truth.filter((t) => t.status === s).length / truth.length;
    expect(share('late')).toBeGreaterThan(0.035);
    expect(share('missing')).toBeGreaterThan(0.028);
    expect(share('failed')).toBeGreaterThan(0.022);
    expect(share('duplicate')).toBeGreaterThan(0.013);
    expect(share('completed')).toBeGreaterThan(0.8);
  });

  it('is deterministic for a seed, and shuffles the arrival order when asked', () => {
    const a = generateEvents({ flows, transactions: 300, seed: 3 });
    const b = generateEvents({ flows, transactions: 300, seed: 3 });
    expect(b).toEqual(a);
    const shuffled = generateEvents({ flows, transactions: 300, seed: 3, shuffle: true });
    expect(shuffled.events.map((e) => e.id).sort()).toEqual(a.events.map((e) => e.id).sort());
    expect(shuffled.events.map((e) => e.id)).not.toEqual(a.events.map((e) => e.id));
    const times = a.events.map((e) => Date.parse(e.time));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });
});
