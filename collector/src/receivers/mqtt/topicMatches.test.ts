import { describe, expect, it } from 'vitest';
import { nextReconnectDelay } from './createMqttReceiver.ts';
import { topicMatches } from './topicMatches.ts';

describe('topicMatches', () => {
  it('matches + as one level and # as the rest', () => {
    expect(topicMatches('plants/+/events', 'plants/graz/events')).toBe(true);
    expect(topicMatches('plants/+/events', 'plants/graz/line1/events')).toBe(false);
    expect(topicMatches('plants/#', 'plants/graz/line1/events')).toBe(true);
    expect(topicMatches('plants/#', 'plants')).toBe(true);
    expect(topicMatches('plants/graz', 'plants/graz/events')).toBe(false);
  });

  it('ignores a shared-subscription prefix and keeps $ topics away from leading wildcards', () => {
    expect(topicMatches('$share/linewatch/plants/+/events', 'plants/graz/events')).toBe(true);
    expect(topicMatches('#', '$SYS/broker/uptime')).toBe(false);
  });
});

describe('nextReconnectDelay', () => {
  it('doubles from the minimum and stops at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => nextReconnectDelay(1000, 30_000, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });
});
