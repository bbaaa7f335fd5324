import { cors as honoCors } from 'hono/cors';
import type { MiddlewareHandler } from 'hono';
import type { CorsConfig } from '@linewatch/schema';
import type { AppEnv } from '../appEnv.ts';

/**
 * CORS for the configured origins only, or nothing at all: with no origin listed no answer carries
 * an `Access-Control-*` header, so browsers keep other sites from reading the API.
 */
export function corsPolicy(config: CorsConfig): MiddlewareHandler<AppEnv> | undefined {
  if (config.origins.length === 0) return undefined;
  const allowed = new Set(config.origins);
  return honoCors({
    // An origin not listed gets no Access-Control-Allow-Origin (hono omits the header for null).
    origin: (origin) => (allowed.has(origin) ? origin : null),
    credentials: config.credentials,
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-CSRF-Token', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}
