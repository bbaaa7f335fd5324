import { describe, expect, it } from 'vitest';
import { groupHash, groupKey, planGroupNotifications, type GroupState } from './grouping.ts';

const firing = { id: 'a', state: 'firing' as const, fingerprint: 'fa' };
const base: GroupState = {
  key: 'g',
  alerts: [firing],
  firstSeenAt: 0,
  groupWait: 30,
  groupInterval: 300,
  repeatInterval: 1000,
};

describe('groupKey', () => {
  it('is stable whatever the order of groupBy', () => {
    expect(groupKey({ plant: 'p01', flow: 'f' }, ['plant', 'flow'])).toBe(
      groupKey({ flow: 'f', plant: 'p01' }, ['flow', 'plant']),
    );
  });
});

describe('planGroupNotifications', () => {
  it('notifies first after groupWait', () => {
    expect(planGroupNotifications([base], 29)).toEqual([]);
    expect(planGroupNotifications([base], 30)[0]?.reason).toBe('first');
  });

  it('notifies a changed group after groupInterval and repeats an unchanged one after repeatInterval', () => {
    const notified = { ...base, lastNotifiedAt: 100, lastNotifiedHash: groupHash([firing]) };
    const changed = {
      ...notified,
      alerts: [firing, { id: 'b', state: 'firing' as const, fingerprint: 'fb' }],
    };
    expect(planGroupNotifications([changed], 399)).toEqual([]);
    expect(planGroupNotifications([changed], 400)[0]?.reason).toBe('changed');
    expect(planGroupNotifications([notified], 1099)).toEqual([]);
    expect(planGroupNotifications([notified], 1100)[0]?.reason).toBe('repeat');
  });

  it('notifies resolved once when every alert resolved after a firing notification', () => {
    const resolved = { ...firing, state: 'resolved' as const };
    const g = { ...base, alerts: [resolved], lastNotifiedAt: 100, lastNotifiedHash: groupHash([firing]) };
    expect(planGroupNotifications([g], 400)[0]?.reason).toBe('resolved');
    expect(planGroupNotifications([{ ...g, lastNotifiedHash: groupHash([resolved]) }], 5000)).toEqual([]);
  });
});
