import { describe, expect, it } from 'vitest';
import type { RouteNode } from '@linewatch/schema';
import { routeAlert, withinWorkingHours } from './routing.ts';

const defaults = {
  groupBy: ['plant'],
  groupWait: 30_000,
  groupInterval: 300_000,
  repeatInterval: 14_400_000,
};
const node = (over: Partial<RouteNode>): RouteNode => ({
  matchers: [],
  contacts: [],
  continue: false,
  routes: [],
  ...over,
});

describe('routeAlert', () => {
  const root = node({
    contacts: ['ops'],
    groupWait: 10_000,
    routes: [
      node({ matchers: [{ label: 'tier', op: '=', value: 'P1' }], contacts: ['oncall'], continue: true }),
      node({
        matchers: [{ label: 'plant', op: '=', value: 'p01' }],
        contacts: ['p01_team'],
        groupInterval: 60_000,
      }),
      node({ matchers: [{ label: 'plant', op: '=~', value: 'p0.' }], contacts: ['never'] }),
    ],
  });

  it('follows a continue route and then the first matching sibling, inheriting settings', () => {
    const r = routeAlert({ tier: 'P1', plant: 'p01' }, root, defaults);
    expect(r.map((m) => [m.path, m.contacts])).toEqual([
      ['0', ['oncall']],
      ['1', ['p01_team']],
    ]);
    expect(r[1]).toMatchObject({ groupWait: 10_000, groupInterval: 60_000, groupBy: ['plant'] });
  });

  it('falls back to the root when no child matches', () => {
    expect(routeAlert({ plant: 'x' }, root, defaults)).toEqual([
      { ...defaults, groupWait: 10_000, contacts: ['ops'], escalation: [], path: '' },
    ]);
  });
});

describe('withinWorkingHours', () => {
  const night = { days: [1], from: '22:00', to: '06:00' };
  it('spans midnight for overnight hours, counting the early part to the previous day', () => {
    // Monday 2026-12-07, Europe/Paris is UTC+1.
    expect(withinWorkingHours(night, 'Europe/Paris', Date.parse('2026-12-07T21:30:00Z'))).toBe(true);
    expect(withinWorkingHours(night, 'Europe/Paris', Date.parse('2026-12-08T04:59:00Z'))).toBe(true);
    expect(withinWorkingHours(night, 'Europe/Paris', Date.parse('2026-12-08T05:00:00Z'))).toBe(false);
    expect(withinWorkingHours(night, 'Europe/Paris', Date.parse('2026-12-07T04:00:00Z'))).toBe(false);
  });

  it('allows 24:00 as the end of the day', () => {
    const h = { days: [7], from: '06:00', to: '24:00' };
    expect(withinWorkingHours(h, 'UTC', Date.parse('2026-12-06T23:59:00Z'))).toBe(true);
    expect(withinWorkingHours(h, 'UTC', Date.parse('2026-12-07T00:00:00Z'))).toBe(false);
  });
});
