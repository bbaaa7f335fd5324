import { describe, expect, it } from 'vitest';
import { nextPollDelay } from './createPollers.ts';
import { queueSamplePoints, toGaugeRows } from './queueGauges.ts';

describe('queueSamplePoints', () => {
  it('gives depth always, oldest age and in-flight only when known, with the shared attributes', () => {
    const points = queueSamplePoints({
      queue: 'orders',
      system: 'rabbitmq',
      depth: 3,
      inFlight: 1,
      plant: 'graz',
    });
    expect(points.map((p) => [p.name, p.value])).toEqual([
      ['integration.queue.depth', 3],
      ['integration.queue.in_flight', 1],
    ]);
    expect(points[0]?.attributes).toEqual({
      'queue.name': 'orders',
      'messaging.system': 'rabbitmq',
      'biz.plant': 'graz',
    });
  });

  it('never reports a negative oldest age (clocks of source and collector disagree)', () => {
    const [, age] = queueSamplePoints({ queue: 'q', system: 'nats', depth: 1, oldestAgeSeconds: -2 });
    expect(age).toMatchObject({ name: 'integration.queue.oldest_age', value: 0 });
  });
});

describe('toGaugeRows', () => {
  it('writes the ClickHouse exporter layout with service.name in the resource', () => {
    const [row] = toGaugeRows(
      [
        {
          name: 'integration.queue.depth',
          unit: '{message}',
          description: 'd',
          value: 4,
          attributes: { 'queue.name': 'q' },
        },
      ],
      {
        serviceName: 'linewatch-poller',
        scopeName: 'linewatch.pollers',
        attributes: { 'linewatch.poller.name': 'p' },
      },
      Date.parse('2026-11-27T08:15:00.250Z'),
    );
    expect(row).toEqual({
      ResourceAttributes: { 'linewatch.poller.name': 'p', 'service.name': 'linewatch-poller' },
      ServiceName: 'linewatch-poller',
      ScopeName: 'linewatch.pollers',
      MetricName: 'integration.queue.depth',
      MetricDescription: 'd',
      MetricUnit: '{message}',
      Attributes: { 'queue.name': 'q' },
      StartTimeUnix: '2026-11-27T08:15:00.250Z',
      TimeUnix: '2026-11-27T08:15:00.250Z',
      Value: 4,
    });
  });
});

describe('nextPollDelay', () => {
  it('waits the interval after a success and backs off from one second, capped at the interval, after failures', () => {
    expect(nextPollDelay(15_000, 0)).toBe(15_000);
    expect([1, 2, 3, 4, 5, 6].map((f) => nextPollDelay(15_000, f))).toEqual([
      1000, 2000, 4000, 8000, 15_000, 15_000,
    ]);
    expect(nextPollDelay(500, 1)).toBe(500);
    expect(nextPollDelay(15_000, 1000)).toBe(15_000);
  });
});
