import { createHash } from 'node:crypto';

const OUTCOMES = new Set(['ok', 'failed', 'retried', 'dead_lettered']);

/** What a span or log record that carries `biz.step` says about a business event. */
export interface BizSource {
  source: 'span' | 'log';
  /** `biz.*` attributes of the span or log record (they win over the resource's). */
  biz: Record<string, string>;
  /** `biz.*` attributes of the resource (a connector may set `biz.plant` once for all its spans). */
  resourceBiz: Record<string, string> | undefined;
  /** The resource's `service.name`: the emitting system. */
  system: string;
  /** The span's end or the log record's time, as DateTime64(9) text (see nanosText). */
  time: string;
  traceId: string;
  spanId: string;
  /** True when the span status is ERROR or the log severity is ERROR or worse. */
  failed: boolean;
  /** The span status message or the log record's body: the event's error_message unless its outcome is ok. */
  errorMessage: string;
  /** Log records only: more text that makes the id unique among the records of one span. */
  discriminator?: string;
  receivedAtMs: number;
}

/** Either a JSONEachRow line for business_events, or why none was made. */
export type BizEventResult = { line: string; warning?: string } | { skipped: string };

/**
 * Turns the `biz.*` attributes of a span or log record into a business_events row (JSONEachRow line).
 * The id is derived from the trace and span id, so a re-sent span makes the same event
 * (`span:<trace_id>:<span_id>`); log records add a hash of their time and content.
 */
export function bizEventLine(s: BizSource): BizEventResult {
  const get = (k: string): string | undefined => s.biz[k] ?? s.resourceBiz?.[k];
  const step = get('biz.step')?.trim();
  if (!step) return { skipped: 'biz.step is empty' };
  const key = get('biz.key')?.trim();
  if (!key) return { skipped: `biz.step "${step}" without biz.key` };
  let id: string;
  if (s.source === 'span') {
    id = `span:${s.traceId}:${s.spanId}`;
  } else {
    const h = createHash('sha1')
      .update(`${s.time}\u0000${s.system}\u0000${step}\u0000${key}\u0000${s.discriminator ?? ''}`)
      .digest('hex')
      .slice(0, 16);
    id = s.traceId ? `log:${s.traceId}:${s.spanId}:${h}` : `log:${h}`;
  }
  let keys = '{';
  for (const source of [s.resourceBiz, s.biz]) {
    if (!source) continue;
    for (const k in source) {
      if (!k.startsWith('biz.key.') || k.length <= 8) continue;
      if (keys.length > 1) keys += ',';
      keys += JSON.stringify(k.slice(8)) + ':' + JSON.stringify(source[k]);
    }
  }
  keys += '}';
  const declared = get('biz.outcome')?.trim();
  const outcome = declared && OUTCOMES.has(declared) ? declared : s.failed ? 'failed' : 'ok';
  const line =
    `{"id":${JSON.stringify(id)},"time":"${s.time}","flow":${JSON.stringify(get('biz.flow') ?? '')}` +
    `,"step":${JSON.stringify(step)},"key":${JSON.stringify(key)},"keys":${keys}` +
    `,"system":${JSON.stringify(s.system)},"plant":${JSON.stringify(get('biz.plant') ?? '')},"outcome":"${outcome}"` +
    `,"error_category":${JSON.stringify(get('biz.error.category') ?? '')}` +
    `,"error_message":${JSON.stringify(outcome === 'ok' ? '' : (get('biz.error.message') ?? s.errorMessage))}` +
    `,"attributes":{},"trace_id":"${s.traceId}","span_id":"${s.spanId}"` +
    `,"received_at":"${(s.receivedAtMs / 1000).toFixed(3)}","source":"${s.source}"}\n`;
  return declared && !OUTCOMES.has(declared)
    ? {
        line,
        warning: `biz.outcome "${declared}" is not one of ok, failed, retried, dead_lettered; stored as ${outcome}`,
      }
    : { line };
}
