import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** Why a body could not be read: too large (413), an encoding we do not decode (415), or corrupt (400). */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Reads a request body up to `maxBytes` (compressed and decompressed), decompressing gzip or
 * deflate bodies. Stops reading as soon as the limit is passed, so an oversized body costs no memory.
 * With Node's `incoming` message at hand (served by @hono/node-server) it reads that directly into
 * one buffer of the declared length, which is cheaper than the web stream of the Request.
 * The result owns its ArrayBuffer (it can be transferred to a worker thread).
 */
export async function readBody(
  request: Request,
  maxBytes: number,
  incoming?: IncomingMessage,
): Promise<Buffer> {
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (!['identity', '', 'gzip', 'x-gzip', 'deflate'].includes(encoding))
    throw new BodyError(415, `unsupported Content-Encoding "${encoding}"; send gzip, deflate or none`);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes)
    throw new BodyError(413, `the body is ${declared} bytes; the limit is ${maxBytes}`);
  const raw = incoming
    ? await readIncoming(incoming, maxBytes, declared)
    : await readWebStream(request, maxBytes);
  if (encoding === 'identity' || encoding === '') return raw;
  try {
    const inflated =
      encoding === 'deflate'
        ? await inflateAsync(raw, { maxOutputLength: maxBytes })
        : await gunzipAsync(raw, { maxOutputLength: maxBytes });
    return inflated;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyError(413, `the decompressed body exceeds the limit of ${maxBytes} bytes`, { cause: e });
    throw new BodyError(400, `the ${encoding} body cannot be decompressed: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function readIncoming(incoming: IncomingMessage, maxBytes: number, declared: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // With a declared length the bytes go straight into their final buffer; otherwise chunks are joined.
    const exact = Number.isInteger(declared) && declared >= 0 ? Buffer.allocUnsafeSlow(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > maxBytes || (exact && size + chunk.length > exact.length)) {
        // Stop reading; the answer closes the connection (the rest of the body is never read).
        cleanup();
        incoming.pause();
        reject(new BodyError(413, `the body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      if (exact) chunk.copy(exact, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => {
      cleanup();
      if (exact) {
        if (size !== exact.length)
          reject(new BodyError(400, `the body ended after ${size} of ${exact.length} declared bytes`));
        else resolve(exact);
        return;
      }
      const out = Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (const c of chunks) at += c.copy(out, at);
      resolve(out);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new BodyError(400, `the body could not be read: ${e.message}`, { cause: e }));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.resume();
  });
}

async function readWebStream(request: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = (request.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new BodyError(413, `the body exceeds the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
