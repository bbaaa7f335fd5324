import { z } from 'zod';

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration like "90s", "5m", "1h30m" or "7d" into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}

/** Formats milliseconds as a short duration ("11m", "1h05m", "42s"). */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  rest = Math.round(rest / 1000);
  const d = Math.floor(rest / 86400);
  const h = Math.floor((rest % 86400) / 3600);
  const m = Math.floor((rest % 3600) / 60);
  const s = rest % 60;
  if (d > 0) return `${sign}${d}d${h > 0 ? `${String(h).padStart(2, '0')}h` : ''}`;
  if (h > 0) return `${sign}${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${sign}${m}m${s > 0 ? `${String(s).padStart(2, '0')}s` : ''}`;
  return `${sign}${s}s`;
}

/** A duration written as text ("5m", "2h", "1h30m") or a number of milliseconds; parsed to milliseconds. */
export const DurationSchema = z
  .union([z.number(), z.string()], { error: 'expected a duration like "5m" or a number of milliseconds' })
  .transform((value, ctx) => {
    const ms = typeof value === 'number' ? value : parseDuration(value.trim());
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like "5m", got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return Math.round(ms);
  });
