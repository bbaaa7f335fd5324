import { describe, expect, it } from 'vitest';
import { fillQueuePoints, mergeScrapeFailures } from './queueSeries.ts';

const T = Date.parse('2026-11-27T10:00:00Z');
const MIN = 60_000;

describe('fillQueuePoints', () => {
  it('gives every bucket of the range, null where nothing was reported', () => {
    const points = fillQueuePoints({ from: new Date(T), to: new Date(T + 4 * MIN) }, 60, [
      { bucket: T + MIN, depth: 12, oldestAgeSeconds: 30 },
      { bucket: T + 3 * MIN, depth: 0, oldestAgeSeconds: null },
    ]);
    expect(points).toEqual([
      { time: '2026-11-27T10:00:00.000Z', depth: null, oldestAgeSeconds: null },
      { time: '2026-11-27T10:01:00.000Z', depth: 12, oldestAgeSeconds: 30 },
      { time: '2026-11-27T10:02:00.000Z', depth: null, oldestAgeSeconds: null },
      { time: '2026-11-27T10:03:00.000Z', depth: 0, oldestAgeSeconds: null },
    ]);
  });

  it('starts at the bucket holding an unaligned `from`', () => {
    const points = fillQueuePoints({ from: new Date(T + 30_000), to: new Date(T + 2 * MIN) }, 60, []);
    expect(points.map((p) => p.time)).toEqual(['2026-11-27T10:00:00.000Z', '2026-11-27T10:01:00.000Z']);
  });
});

describe('mergeScrapeFailures', () => {
  it('merges consecutive failing buckets of one poller into one run', () => {
    const row = (poller: string, minute: number, failures = 1) => ({
      poller,
      pollerType: 'rabbitmq',
      plant: 'P02',
      bucket: T + minute * MIN,
      failures,
    });
    const runs = mergeScrapeFailures(
      [row('rmq-p02', 2), row('rmq-p02', 0, 2), row('rmq-p02', 1), row('nats', 1), row('rmq-p02', 5)],
      60,
    );
    expect(runs).toEqual([
      {
        poller: 'nats',
        pollerType: 'rabbitmq',
        plant: 'P02',
        from: '2026-11-27T10:01:00.000Z',
        to: '2026-11-27T10:02:00.000Z',
        count: 1,
      },
      {
        poller: 'rmq-p02',
        pollerType: 'rabbitmq',
        plant: 'P02',
        from: '2026-11-27T10:00:00.000Z',
        to: '2026-11-27T10:03:00.000Z',
        count: 4,
      },
      {
        poller: 'rmq-p02',
        pollerType: 'rabbitmq',
        plant: 'P02',
        from: '2026-11-27T10:05:00.000Z',
        to: '2026-11-27T10:06:00.000Z',
        count: 1,
      },
    ]);
  });

  it('ignores buckets without failures', () => {
    expect(
      mergeScrapeFailures([{ poller: 'p', pollerType: 'sql', plant: '', bucket: T, failures: 0 }], 60),
    ).toEqual([]);
  });
});
