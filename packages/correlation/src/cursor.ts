import { CursorError } from './errors.ts';

/** Encodes a keyset position and the query it belongs to as an opaque cursor. */
export function encodeCursor(position: readonly unknown[], query: string): string {
  return Buffer.from(JSON.stringify({ p: position, q: query })).toString('base64url');
}

/** Decodes a cursor issued by `encodeCursor` for the same query; throws CursorError otherwise. */
export function decodeCursor(cursor: string, query: string, arity: number): unknown[] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      p?: unknown;
      q?: unknown;
    };
    if (!Array.isArray(parsed.p) || parsed.p.length !== arity || parsed.q !== query)
      throw new Error('mismatch');
    return parsed.p as unknown[];
  } catch (e) {
    throw new CursorError({ cause: e });
  }
}
