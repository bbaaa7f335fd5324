import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './appEnv.ts';
import { ApiError } from './errors.ts';

function fail(where: string, error: z.ZodError): never {
  const detail = error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ');
  throw new ApiError(400, 'invalid_request', detail);
}

/** Parses the query string with a zod schema; 400 `invalid_request` naming each bad field otherwise. */
export function parseQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) fail('query', r.error);
  return r.data;
}

/** Parses path parameters with a zod schema. */
export function parseParams<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> {
  const r = schema.safeParse(c.req.param());
  if (!r.success) fail('params', r.error);
  return r.data;
}

/** Parses a JSON body with a zod schema; 400 for malformed JSON or invalid fields. */
export async function parseBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ApiError(400, 'invalid_json', 'the body is not valid JSON');
  }
  const r = schema.safeParse(raw);
  if (!r.success) fail('body', r.error);
  return r.data;
}
