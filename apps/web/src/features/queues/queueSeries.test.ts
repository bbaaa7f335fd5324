import { describe, expect, it } from 'vitest';
import { QueueSeriesSchema } from '@linewatch/schema';
import { byDepth, queueChartRows, queueLabel, topQueues } from './queueSeries.ts';

const q = (queue: string, plant: string, points: [string, number | null][]) =>
  QueueSeriesSchema.parse({
    queue,
    system: 'rabbitmq',
    plant,
    latest: null,
    maxDepth: null,
    points: points.map(([time, depth]) => ({
      time,
      depth,
      oldestAgeSeconds: depth === null ? null : depth * 2,
    })),
  });

describe('queue chart rows', () => {
  it('puts each queue and plant in its own column, by time, keeping gaps as nulls', () => {
    const rows = queueChartRows(
      [
        q('orders', 'P01', [
          ['2026-11-27T08:01:00Z', 5],
          ['2026-11-27T08:00:00Z', 3],
        ]),
        q('orders', 'P02', [['2026-11-27T08:00:00Z', null]]),
      ],
      'depth',
    );
    expect(rows.keys).toEqual(['orders (rabbitmq, P01)', 'orders (rabbitmq, P02)']);
    expect(rows.data).toEqual([
      { time: '2026-11-27T08:00:00Z', 'orders (rabbitmq, P01)': 3, 'orders (rabbitmq, P02)': null },
      { time: '2026-11-27T08:01:00Z', 'orders (rabbitmq, P01)': 5 },
    ]);
    expect(queueLabel({ queue: 'dlq', system: '', plant: 'P01' })).toBe('dlq (P01)');
  });

  it('charts only the queues that peaked highest and lists the deepest first', () => {
    const queues = [
      q('a', 'P01', [['2026-11-27T08:00:00Z', 1]]),
      q('b', 'P01', [['2026-11-27T08:00:00Z', 50]]),
      q('c', 'P01', [['2026-11-27T08:00:00Z', 7]]),
    ];
    expect(topQueues(queues, 'depth', 2).map((x) => x.queue)).toEqual(['b', 'c']);
    const withLatest = queues.map((x, i) => ({
      ...x,
      latest: { time: 't', depth: [0, 3, 9][i] ?? 0, oldestAgeSeconds: null },
    }));
    expect(byDepth(withLatest).map((x) => x.queue)).toEqual(['c', 'b', 'a']);
  });
});
