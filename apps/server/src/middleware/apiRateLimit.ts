import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from '../appEnv.ts';
import { createRateLimiter } from '../access/rateLimit.ts';
import { ApiError } from '../errors.ts';

const MINUTE = 60_000;

/**
 * Paths no API rate limit applies to: ingest (`/v1/*`: the collector has its own backpressure, a
 * 503 with Retry-After when its queue is full) and the health probes an orchestrator polls.
 */
export function isRateLimitExempt(path: string): boolean {
  return path.startsWith('/v1/') || path === '/healthz' || path === '/readyz';
}

/** The peer address of the connection (no proxy header is trusted); `unknown` outside a socket (tests). */
export function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function refuse(c: Context<AppEnv>, retryAfterSeconds: number, who: string): never {
  c.header('Retry-After', String(retryAfterSeconds));
  throw new ApiError(
    429,
    'rate_limited',
    `too many requests from this ${who}; retry in ${retryAfterSeconds} s`,
  );
}

/**
 * Per principal, after authentication (the router runs it between the scope check and the handler):
 * a principal's requests per minute, whatever address they come from. Public routes have no principal
 * and are left to `addressRateLimit`.
 */
export function principalRateLimit(options: {
  perMinute: number;
  now?: () => number;
}): MiddlewareHandler<AppEnv> {
  const limiter = createRateLimiter({ limit: options.perMinute, windowMs: MINUTE, now: options.now });
  return createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.get('principal') as AppEnv['Variables']['principal'] | undefined;
    if (principal && !isRateLimitExempt(c.req.path)) {
      const r = limiter.take(principal.id);
      if (!r.ok) refuse(c, r.retryAfterSeconds, 'principal');
    }
    await next();
  });
}

/**
 * Per client address, for requests that end without a principal: no credential, a wrong or expired
 * one (guessing tokens costs a scrypt each), public routes. A request is charged once its answer is
 * known; an address whose charge was refused is answered 429 before anything else runs, until its
 * window ends. Authenticated callers behind one NAT are not counted here (they are per principal).
 */
export function addressRateLimit(options: {
  perMinute: number;
  now?: () => number;
  maxKeys?: number;
}): MiddlewareHandler<AppEnv> {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const limiter = createRateLimiter({ limit: options.perMinute, windowMs: MINUTE, now, maxKeys });
  // Addresses refused, until when: consulted before authentication so a refused caller costs nothing.
  const blocked = new Map<string, number>();
  return createMiddleware<AppEnv>(async (c, next) => {
    if (isRateLimitExempt(c.req.path)) return next();
    const address = clientAddress(c);
    const until = blocked.get(address);
    if (until !== undefined) {
      const t = now();
      if (t < until) refuse(c, Math.max(1, Math.ceil((until - t) / 1000)), 'address');
      blocked.delete(address);
    }
    await next();
    if (c.get('principal') !== undefined) return;
    const r = limiter.take(address);
    if (r.ok) return;
    if (blocked.size >= maxKeys) {
      const t = now();
      for (const [k, u] of blocked) if (u <= t) blocked.delete(k);
      for (const k of blocked.keys()) {
        if (blocked.size < maxKeys) break;
        blocked.delete(k);
      }
    }
    blocked.set(address, now() + r.retryAfterSeconds * 1000);
  });
}
