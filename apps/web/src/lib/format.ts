import { formatDuration } from '@linewatch/schema';

/** Milliseconds as a short duration ("11m", "1h05m", "420ms"); "–" for null. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return formatDuration(ms);
}

/** A ratio 0..1 as a percentage with one decimal ("99.2%"), "–" for null. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  return `${pct >= 99.95 && pct < 100 ? '99.9' : pct.toFixed(pct === 100 || pct === 0 ? 0 : 1)}%`;
}

/** A count with thousands separators; compact above a million ("1.2M"). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  return Math.round(n * 100) / 100 === Math.round(n) ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

/** A number in the unit a named query declares for its column. */
export function formatValue(value: string | number | null | undefined, unit?: string): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 's':
      return formatMs(value * 1000);
    case 'percent':
      return `${value.toFixed(value >= 10 || value === 0 ? 1 : 2)}%`;
    case 'bytes':
      return formatBytes(value);
    default:
      return formatCount(value);
  }
}

/** Bytes as KB/MB/GB (powers of 1024). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** An RFC 3339 time as local "HH:MM:SS", with the date when it is not today. */
export function formatTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString('en-GB', { hour12: false });
  return d.toDateString() === now.toDateString() ? time : `${d.toLocaleDateString('en-CA')} ${time}`;
}

/** How long ago an RFC 3339 time was ("3m ago"), or how far ahead ("in 2m"). */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '–';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = now - t;
  if (Math.abs(diff) < 1000) return 'now';
  return diff >= 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(-diff)}`;
}

/** Turns an identifier into words for labels ("confirm_odoo" → "confirm odoo"). */
export function humanize(id: string): string {
  return id.replace(/_/g, ' ');
}
