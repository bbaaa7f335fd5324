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
 */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (!['identity', '', 'gzip', 'x-gzip', 'deflate'].includes(encoding))
    throw new BodyError(415, `unsupported Content-Encoding "${encoding}"; send gzip, deflate or none`);
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes)
    throw new BodyError(413, `the body is ${declared} bytes; the limit is ${maxBytes}`);
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
  const raw =
    chunks.length === 1
      ? Buffer.from((chunks[0] as Uint8Array).buffer, (chunks[0] as Uint8Array).byteOffset, size)
      : Buffer.concat(chunks, size);
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
