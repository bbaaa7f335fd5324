import { readFile } from 'node:fs/promises';
import type { Store } from '@linewatch/store';
import type { SealedSegment } from './spool.ts';

/** What salvaging a refused segment achieved. */
export interface SalvageResult {
  /** Rows now in the store. */
  inserted: number;
  /** Rows the store refuses on their own (or left when the insert budget ran out), as written. */
  refused: string[];
  /** The store's reason for the first refused row. */
  firstError: string | undefined;
  /** Inserts tried. */
  inserts: number;
}

/**
 * Inserts what the store accepts of a segment it refuses as a whole: the rows are bisected, each half
 * inserted on its own, down to single rows, so one malformed row does not take the acknowledged rows
 * written beside it into quarantine. Each part has a deduplication token derived from the segment
 * and the rows it holds, so a salvage interrupted by a crash or an outage and done again stores no
 * row twice. An outage (a retryable error) is thrown to the caller, which retries later. Rows still
 * unsorted when `maxInserts` is spent are counted as refused (a segment of nothing but bad rows
 * would otherwise cost an insert per row).
 */
export async function salvageSegment(
  store: Store,
  seg: SealedSegment,
  options: { maxInserts?: number } = {},
): Promise<SalvageResult> {
  const lines = (await readFile(seg.dataPath, 'utf8')).split('\n').filter((l) => l.length > 0);
  const budget = options.maxInserts ?? 256;
  const result: SalvageResult = { inserted: 0, refused: [], firstError: undefined, inserts: 0 };

  async function attempt(start: number, end: number): Promise<void> {
    if (result.inserts >= budget) {
      result.refused.push(...lines.slice(start, end));
      return;
    }
    result.inserts++;
    try {
      await store.insertRaw(seg.table, 'JSONEachRow', `${lines.slice(start, end).join('\n')}\n`, {
        deduplicationToken: `${seg.name}.r${start}-${end}`,
      });
      result.inserted += end - start;
    } catch (e) {
      const err = e as Error & { retryable?: boolean };
      if (err.retryable ?? true) throw e;
      if (end - start === 1) {
        result.refused.push(lines[start] as string);
        result.firstError ??= err.message;
        return;
      }
      const mid = start + Math.ceil((end - start) / 2);
      await attempt(start, mid);
      await attempt(mid, end);
    }
  }

  // The whole segment was refused already: start with its halves.
  if (lines.length === 1) await attempt(0, 1);
  else if (lines.length > 1) {
    const mid = Math.ceil(lines.length / 2);
    await attempt(0, mid);
    await attempt(mid, lines.length);
  }
  return result;
}
