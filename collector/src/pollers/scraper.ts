import type { GaugePoint, QueueSample } from './queueGauges.ts';

/** What one scrape of a source found: queue samples, plus gauge points of its own (queue_job states). */
export interface ScrapeResult {
  samples: QueueSample[];
  points?: GaugePoint[];
}

/** Reads one source once. Throws (a ScrapeError or the driver's error) when the source cannot be read. */
export interface Scraper {
  scrape(signal: AbortSignal): Promise<ScrapeResult>;
}

/** A scrape that failed for a reason worth naming (unreachable, refused credentials, bad answer). */
export class ScrapeError extends Error {
  override readonly name = 'ScrapeError';
  constructor(
    readonly reason: 'unreachable' | 'auth' | 'bad_response' | 'timeout',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Removes credentials from URLs inside a message, so errors can be logged. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/gi, '$1***@');
}

const UNREACHABLE =
  /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EAI_AGAIN|CONNECTION_REFUSED|ETIMEDOUT/;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error and its causes, outermost first (at most 5 deep). */
function causeChain(e: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (
    let err: unknown = e;
    typeof err === 'object' && err !== null && chain.length < 5;
    err = (err as ErrorLike).cause
  )
    chain.push(err);
  return chain;
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** True when an error (or one of its causes) says the source could not be reached at all. */
export function isUnreachable(e: unknown): boolean {
  return causeChain(e).some((err) =>
    err instanceof ScrapeError
      ? err.reason === 'unreachable' || err.reason === 'timeout'
      : UNREACHABLE.test(`${text(err.code)} ${text(err.message)}`),
  );
}

/** A one-line description of a scrape failure without credentials, with the root cause's code. */
export function describeScrapeError(e: unknown): string {
  const chain = causeChain(e);
  if (chain.length === 0) return redactCredentials(String(e));
  const parts = chain.map((err) => {
    const msg = text(err.message);
    const code = text(err.code);
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  });
  return redactCredentials(parts.filter(Boolean).join(': ')) || 'unknown error';
}
