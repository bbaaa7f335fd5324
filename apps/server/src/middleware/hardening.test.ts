import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CorsConfigSchema, ServerLimitsConfigSchema, type ServerLimitsConfig } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { createToken } from '../auth.ts';
import { AccessControl } from '../access/verifier.ts';
import { createHttpApp } from '../app.ts';
import { registerHealthRoutes } from '../routes/health.ts';
import { registerTransactionRoutes } from '../routes/transactions.ts';
import { registerDependencyRoutes } from '../routes/dependencies.ts';
import { registerDashboardRoutes } from '../routes/dashboards.ts';
import type { FlowRegistry } from '@linewatch/correlation';
import { queryRangeIssue } from './maxQueryRange.ts';
import { UI_CSP_HEADER } from './securityHeaders.ts';

// The API's hardening as createHttpApp wires it: security headers, CORS, rate limits per principal
// and per address, request timeouts and the longest query range. In-process, with a fake clock.

const reader = createToken('reader', ['read'], []);
const other = createToken('other', ['read'], []);
const NOW = Date.parse('2026-12-07T10:00:00Z');

type Env = { incoming: { socket: { remoteAddress: string; encrypted?: boolean } } };

/** Request options and the node-server bindings of a caller at `address`, with a token or none. */
function caller(address: string, token?: string): [RequestInit, Env] {
  return [
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
    { incoming: { socket: { remoteAddress: address } } },
  ];
}

function makeApp(
  options: {
    limits?: Partial<ServerLimitsConfig>;
    cors?: { origins?: string[]; credentials?: boolean };
  } = {},
) {
  const clock = { t: NOW };
  const { app, router } = createHttpApp({
    logger: pino({ level: 'silent' }),
    access: new AccessControl({ staticTokens: [reader.entry, other.entry] }),
    server: {
      limits: ServerLimitsConfigSchema.parse(options.limits ?? {}),
      cors: CorsConfigSchema.parse(options.cors ?? {}),
    },
    now: () => clock.t,
  });
  registerHealthRoutes(router, {});
  router.get('/api/v1/things', 'read', (c) => c.json({ ok: true }));
  router.get('/api/v1/public', 'public', (c) => c.json({ ok: true }));
  router.get('/', 'public', (c) => c.html('<!doctype html><div id="root"></div>'));
  return { app, router, clock };
}

const get = (app: ReturnType<typeof makeApp>['app'], path: string, address = '10.0.0.1', token?: string) =>
  app.request(path, ...caller(address, token));

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; requestId: string } }).error;
}

describe('security headers', () => {
  it('sets nosniff, no referrer and DENY framing on every answer, API, error and UI alike', async () => {
    const { app } = makeApp();
    for (const res of [
      await get(app, '/api/v1/things', '10.0.0.1', reader.token),
      await get(app, '/api/v1/things'),
      await get(app, '/api/v1/nowhere'),
      await get(app, '/'),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('gives the UI’s HTML a CSP whose scripts come only from the server and that no page may frame', async () => {
    const { app } = makeApp();
    const html = await get(app, '/');
    const csp = html.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(UI_CSP_HEADER);
    const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const json = await get(app, '/api/v1/things', '10.0.0.1', reader.token);
    expect(json.headers.get('content-security-policy')).toBeNull();
  });

  it('adds Strict-Transport-Security only to requests that came over TLS', async () => {
    const { app } = makeApp();
    const res = await app.request(
      'https://linewatch.example/api/v1/things',
      ...caller('10.0.0.1', reader.token),
    );
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  });
});

describe('CORS', () => {
  it('is off by default: no Access-Control-Allow-Origin on any answer, preflight included', async () => {
    const { app } = makeApp();
    const plain = await app.request('/api/v1/things', {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${reader.token}` },
    });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await app.request('/api/v1/things', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect([...preflight.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
  });

  it('allows exactly the configured origins, with credentials only when configured', async () => {
    const { app } = makeApp({ cors: { origins: ['https://portal.example.com/'] } });
    const ok = await app.request('/api/v1/things', {
      headers: { origin: 'https://portal.example.com', authorization: `Bearer ${reader.token}` },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://portal.example.com');
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await app.request('/api/v1/things', {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://portal.example.com');
    const other = await app.request('/api/v1/things', {
      headers: { origin: 'https://portal.example.com.evil.example', authorization: `Bearer ${reader.token}` },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const withCredentials = makeApp({ cors: { origins: ['https://portal.example.com'], credentials: true } });
    const cred = await withCredentials.app.request('/api/v1/things', {
      headers: { origin: 'https://portal.example.com', authorization: `Bearer ${reader.token}` },
    });
    expect(cred.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a principal used its minute, from any address, and again after the window', async () => {
    const { app, clock } = makeApp({ limits: { requestsPerMinutePerPrincipal: 3 } });
    for (let i = 0; i < 3; i++)
      expect((await get(app, '/api/v1/things', `10.0.0.${i}`, reader.token)).status).toBe(200);
    const refused = await get(app, '/api/v1/things', '10.0.0.9', reader.token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    const error = await errorOf(refused);
    expect(error.code).toBe('rate_limited');
    expect(error.requestId).toBe(refused.headers.get('x-request-id'));
    // Another principal is not affected.
    expect((await get(app, '/api/v1/things', '10.0.0.9', other.token)).status).toBe(200);
    clock.t += 45_000;
    expect((await get(app, '/api/v1/things', '10.0.0.9', reader.token)).headers.get('retry-after')).toBe(
      '15',
    );
    clock.t += 15_000;
    expect((await get(app, '/api/v1/things', '10.0.0.9', reader.token)).status).toBe(200);
  });

  it('limits callers without a valid credential per address, before their credential is checked', async () => {
    const { app, clock } = makeApp({ limits: { requestsPerMinutePerAddress: 2 } });
    expect((await get(app, '/api/v1/things', '10.0.0.5', 'lw_wrong')).status).toBe(401);
    expect((await get(app, '/api/v1/public', '10.0.0.5')).status).toBe(200);
    expect((await get(app, '/api/v1/things', '10.0.0.5', 'lw_wrong')).status).toBe(401);
    const refused = await get(app, '/api/v1/things', '10.0.0.5', 'lw_wrong');
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even a valid token from that address waits: the address is refused before authentication.
    expect((await get(app, '/api/v1/things', '10.0.0.5', reader.token)).status).toBe(429);
    // Another address, and authenticated callers' own requests, are not counted against it.
    expect((await get(app, '/api/v1/things', '10.0.0.6', 'lw_wrong')).status).toBe(401);
    clock.t += 60_000;
    expect((await get(app, '/api/v1/things', '10.0.0.5', 'lw_wrong')).status).toBe(401);
  });

  it('does not count authenticated requests per address', async () => {
    const { app } = makeApp({
      limits: { requestsPerMinutePerAddress: 2, requestsPerMinutePerPrincipal: 100 },
    });
    for (let i = 0; i < 10; i++)
      expect((await get(app, '/api/v1/things', '10.0.0.7', reader.token)).status).toBe(200);
  });

  it('exempts ingest (/v1/*) and the health probes', async () => {
    const { app, router } = makeApp({
      limits: { requestsPerMinutePerAddress: 1, requestsPerMinutePerPrincipal: 1 },
    });
    router.post('/v1/events', 'read', (c) => c.json({ accepted: 1 }));
    for (let i = 0; i < 5; i++) {
      expect((await get(app, '/healthz')).status).toBe(200);
      expect((await get(app, '/readyz')).status).toBe(200);
      const ingest = await app.request(
        '/v1/events',
        { method: 'POST', headers: { authorization: `Bearer ${reader.token}` } },
        caller('10.0.0.1')[1],
      );
      expect(ingest.status).toBe(200);
    }
  });
});

describe('request timeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers 503 timeout when a handler is still running after the configured time', async () => {
    vi.useFakeTimers();
    const { app, router } = makeApp({ limits: { requestTimeoutSeconds: 2 } });
    router.get('/api/v1/forever', 'read', () => new Promise<Response>(() => undefined));
    router.get('/api/v1/quick', 'read', async (c) => {
      await new Promise((r) => setTimeout(r, 1_000));
      return c.json({ ok: true });
    });
    const pending = get(app, '/api/v1/forever', '10.0.0.1', reader.token);
    const quick = get(app, '/api/v1/quick', '10.0.0.1', reader.token);
    await vi.advanceTimersByTimeAsync(1_999);
    expect((await quick).status).toBe(200);
    let settled = false;
    void Promise.resolve(pending).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const res = await pending;
    expect(res.status).toBe(503);
    const error = await errorOf(res);
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('the request took longer than 2 s');
  });
});

describe('longest query range', () => {
  const fail = () => {
    throw new Error('the handler must not run');
  };
  const store = new Proxy({}, { get: fail }) as Store;

  function rangeApp(maxQueryRangeDays?: number) {
    const made = makeApp({ limits: maxQueryRangeDays ? { maxQueryRangeDays } : {} });
    const flows = new Proxy({}, { get: fail }) as FlowRegistry;
    registerTransactionRoutes(made.router, { store, flows, now: () => NOW, clockSkew: 0 });
    registerDependencyRoutes(made.router, { store, now: () => NOW, flows: () => [] });
    registerDashboardRoutes(made.router, { store, dashboards: [], now: () => NOW });
    return made.app;
  }

  it.each([
    ['/api/v1/transactions?from=2026-10-01T00:00:00Z&to=2026-11-15T00:00:00Z', 'query.from'],
    ['/api/v1/transactions?from=2026-11-01T00:00:00Z', 'query.from'],
    ['/api/v1/transactions?window=32d', 'query.window'],
    ['/api/v1/dependencies?window=800h', 'query.window'],
    ['/api/v1/dependencies?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z', 'query.from'],
    ['/api/v1/queries/event_totals?range=40d', 'query.range'],
  ])('refuses %s with a 400 naming %s', async (path, field) => {
    const res = await get(rangeApp(), path, '10.0.0.1', reader.token);
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe(`${field}: the range may be at most 31 days`);
  });

  it('uses the configured maximum', async () => {
    const res = await get(rangeApp(7), '/api/v1/queries/event_totals?range=8d', '10.0.0.1', reader.token);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('query.range: the range may be at most 7 days');
  });

  it('lets ranges within the maximum and malformed ones through to the route', () => {
    const max = 31 * 86_400_000;
    expect(
      queryRangeIssue({ from: '2026-11-10T00:00:00Z', to: '2026-12-07T00:00:00Z' }, NOW, max),
    ).toBeUndefined();
    expect(queryRangeIssue({ window: '31d' }, NOW, max)).toBeUndefined();
    expect(queryRangeIssue({ window: String(max) }, NOW, max)).toBeUndefined();
    expect(queryRangeIssue({ window: String(max + 1) }, NOW, max)).toBe(
      'query.window: the range may be at most 31 days',
    );
    // `from` wins over `window`, as in the routes.
    expect(queryRangeIssue({ from: '2026-12-06T00:00:00Z', window: '90d' }, NOW, max)).toBeUndefined();
    expect(queryRangeIssue({ from: 'yesterday', range: 'soon' }, NOW, max)).toBeUndefined();
    expect(queryRangeIssue({}, NOW, max)).toBeUndefined();
  });
});
