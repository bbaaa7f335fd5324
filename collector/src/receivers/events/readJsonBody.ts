import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** A request body parsed as JSON, or the HTTP answer explaining why it could not be. */
export type JsonBodyResult =
  | { ok: true; value: unknown; bytes: number }
  | { ok: false; status: 400 | 413 | 415; code: string; message: string };

/** True for `application/json` and `application/<anything>+json`, with any parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Reads a JSON request body of at most `maxBytes` (after decompression; gzip and deflate accepted),
 * without buffering more than that: an oversized body is refused as soon as it is known to be one.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<JsonBodyResult> {
  if (!isJsonContentType(req.headers.get('content-type') ?? undefined))
    return {
      ok: false,
      status: 415,
      code: 'unsupported_media_type',
      message: 'expected Content-Type: application/json',
    };
  const tooLarge = {
    ok: false,
    status: 413,
    code: 'body_too_large',
    message: `the body exceeds ${maxBytes} bytes`,
  } as const;
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge;
  const encoding = (req.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (!['identity', 'gzip', 'x-gzip', 'deflate'].includes(encoding))
    return {
      ok: false,
      status: 415,
      code: 'unsupported_encoding',
      message: `unsupported Content-Encoding "${encoding}"`,
    };

  const raw = await readLimited(req, maxBytes);
  if (raw === undefined) return tooLarge;
  let body = raw;
  if (encoding !== 'identity') {
    try {
      body =
        encoding === 'deflate'
          ? await inflateAsync(raw, { maxOutputLength: maxBytes })
          : await gunzipAsync(raw, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge;
      return { ok: false, status: 400, code: 'malformed_body', message: `the body is not valid ${encoding}` };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8')) as unknown;
  } catch (e) {
    return {
      ok: false,
      status: 400,
      code: 'malformed_json',
      message: `the body is not JSON: ${(e as Error).message}`,
    };
  }
  // Business events and Odoo records are shallow; a value nested deeper than this would overflow the
  // stack of whatever walks it (templates, JSON.stringify, stable ids) and answer 500.
  if (nestsDeeperThan(value, MAX_JSON_DEPTH))
    return {
      ok: false,
      status: 400,
      code: 'too_deep',
      message: `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    };
  return { ok: true, value, bytes: body.length };
}

/** How deep an event or webhook body may nest objects and arrays. */
export const MAX_JSON_DEPTH = 64;

/** True if `value` nests objects and arrays more than `limit` levels deep (walked without recursion). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

async function readLimited(req: Request, maxBytes: number): Promise<Buffer | undefined> {
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
