import type { QueueSeries } from '@linewatch/schema';
import type { ChartRow } from '../../components/charts/pivot.ts';

/** The label of a queue on charts: "orders (rabbitmq, P01)". */
export function queueLabel(q: Pick<QueueSeries, 'queue' | 'system' | 'plant'>): string {
  return `${q.queue} (${[q.system, q.plant].filter(Boolean).join(', ')})`;
}

/** Wide chart rows (time → one column per queue) for depth or oldest-message age. */
export function queueChartRows(
  queues: readonly QueueSeries[],
  measure: 'depth' | 'oldestAgeSeconds',
): { data: ChartRow[]; keys: string[] } {
  const byTime = new Map<string, ChartRow>();
  const keys: string[] = [];
  for (const q of queues) {
    const key = queueLabel(q);
    keys.push(key);
    for (const p of q.points) {
      let row = byTime.get(p.time);
      if (!row) {
        row = { time: p.time };
        byTime.set(p.time, row);
      }
      row[key] = p[measure];
    }
  }
  const data = [...byTime.values()].sort((a, b) => Date.parse(String(a.time)) - Date.parse(String(b.time)));
  return { data, keys };
}

/** The `n` queues with the highest value of `measure` in the window (charts stay readable with 45 queues). */
export function topQueues(
  queues: readonly QueueSeries[],
  measure: 'depth' | 'oldestAgeSeconds',
  n = 8,
): QueueSeries[] {
  const peak = (q: QueueSeries) => Math.max(0, ...q.points.map((p) => p[measure] ?? 0));
  return [...queues]
    .sort((a, b) => peak(b) - peak(a) || queueLabel(a).localeCompare(queueLabel(b)))
    .slice(0, n);
}

/** Queues for the table: the deepest now first, then by the deepest in the window. */
export function byDepth(queues: readonly QueueSeries[]): QueueSeries[] {
  return [...queues].sort(
    (a, b) =>
      (b.latest?.depth ?? 0) - (a.latest?.depth ?? 0) ||
      (b.maxDepth ?? 0) - (a.maxDepth ?? 0) ||
      queueLabel(a).localeCompare(queueLabel(b)),
  );
}
