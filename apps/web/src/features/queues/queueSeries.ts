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
