import type { QueuePoint, ScrapeFailure } from '@linewatch/schema';
import { bucketStart, type DependencyTimeRange } from './dependencyTimeRange.ts';

/** One bucket as the queue query returns it. */
export interface QueueBucketRow {
  bucket: number;
  depth: number | null;
  oldestAgeSeconds: number | null;
}

/** Every bucket of the range in order, with the reported values or nulls where nothing came. */
export function fillQueuePoints(
  range: DependencyTimeRange,
  stepSeconds: number,
  rows: readonly QueueBucketRow[],
): QueuePoint[] {
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  const points: QueuePoint[] = [];
  const step = stepSeconds * 1000;
  for (let t = bucketStart(range.from.getTime(), stepSeconds); t < range.to.getTime(); t += step) {
    const r = byBucket.get(t);
    points.push({
      time: new Date(t).toISOString(),
      depth: r?.depth ?? null,
      oldestAgeSeconds: r?.oldestAgeSeconds ?? null,
    });
  }
  return points;
}

/** Buckets of one poller with at least one failed scrape, as the query returns them. */
export interface ScrapeFailureRow {
  poller: string;
  pollerType: string;
  plant: string;
  bucket: number;
  failures: number;
}

/** Merges consecutive failing buckets of each poller into runs (`to` is the end of the last bucket). */
export function mergeScrapeFailures(rows: readonly ScrapeFailureRow[], stepSeconds: number): ScrapeFailure[] {
  const step = stepSeconds * 1000;
  const sorted = [...rows].sort(
    (a, b) =>
      a.poller.localeCompare(b.poller) ||
      a.pollerType.localeCompare(b.pollerType) ||
      a.plant.localeCompare(b.plant) ||
      a.bucket - b.bucket,
  );
  const runs: (ScrapeFailure & { end: number })[] = [];
  for (const r of sorted) {
    if (r.failures <= 0) continue;
    const last = runs.at(-1);
    if (
      last &&
      last.poller === r.poller &&
      last.pollerType === r.pollerType &&
      last.plant === r.plant &&
      last.end === r.bucket
    ) {
      last.count += r.failures;
      last.end = r.bucket + step;
      last.to = new Date(last.end).toISOString();
    } else {
      runs.push({
        poller: r.poller,
        pollerType: r.pollerType,
        plant: r.plant,
        from: new Date(r.bucket).toISOString(),
        to: new Date(r.bucket + step).toISOString(),
        count: r.failures,
        end: r.bucket + step,
      });
    }
  }
  return runs.map(({ end: _end, ...run }) => run);
}
