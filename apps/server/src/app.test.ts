import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LinewatchConfigSchema } from '@linewatch/schema';
import { createToken } from './auth.ts';
import { AccessControl } from './access/verifier.ts';
import { createHttpApp } from './app.ts';
import { ApiError } from './errors.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { buildOpenApi, registerOpenApiRoute } from './routes/openapi.ts';
import { checkExposure } from './runtime.ts';
import { parseQuery } from './validate.ts';

const logger = pino({ level: 'silent' });
const reader = createToken('reader', ['read'], []);
const ingester = createToken('ingester', ['ingest'], []);

function makeApp() {
  const { app, router } = createHttpApp({
    logger,
    access: new AccessControl({ staticTokens: [reader.entry, ingester.entry] }),
  });
  let ready: string | undefined = 'store unreachable';
  registerHealthRoutes(router, { store: () => Promise.resolve(ready) });
  router.get(
    '/api/v1/things',
    'read',
    (c) => {
      const q = parseQuery(c, z.object({ limit: z.coerce.number().int().max(100) }));
      return c.json({ limit: q.limit });
    },
    {
      summary: 'List things',
      query: z.object({ limit: z.coerce.number().int().max(100) }),
      response: z.object({ limit: z.number() }),
    },
  );
  router.post('/api/v1/boom', 'operate', () => {
    throw new Error('secret detail');
  });
  router.get('/api/v1/gone', 'read', () => {
    throw new ApiError(404, 'transaction_not_found', 'no transaction MO/1');
  });
  registerOpenApiRoute(router, '0.1.0');
  return { app, router, setReady: (r: string | undefined) => (ready = r) };
}

const auth = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe('HTTP app', () => {
  it('answers 401 without a token and 403 with a token that lacks the scope', async () => {
    const { app } = makeApp();
    const none = await app.request('/api/v1/things?limit=1');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await app.request('/api/v1/things?limit=1', auth(ingester.token));
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const ok = await app.request('/api/v1/things?limit=5', auth(reader.token));
    expect(await ok.json()).toEqual({ limit: 5 });
  });

  it('names the bad field in a 400 and carries the request id', async () => {
    const { app } = makeApp();
    const res = await app.request('/api/v1/things?limit=500', auth(reader.token));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.message).toMatch(/^query\.limit: /);
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('maps domain errors to their code and hides unexpected ones', async () => {
    const { app } = makeApp();
    const gone = await app.request('/api/v1/gone', auth(reader.token));
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('transaction_not_found');
    const admin = createToken('admin', ['admin'], []);
    const { app: app2 } = (() => {
      const { app, router } = createHttpApp({
        logger,
        access: new AccessControl({ staticTokens: [admin.entry] }),
      });
      router.post('/api/v1/boom', 'operate', () => {
        throw new Error('secret detail');
      });
      return { app };
    })();
    const boom = await app2.request('/api/v1/boom', { method: 'POST', ...auth(admin.token) });
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).toContain('"internal error"');
    expect(text).not.toContain('secret detail');
  });

  it('reports readiness with the reason and recovers', async () => {
    const { app, setReady } = makeApp();
    const down = await app.request('/readyz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'not_ready', reasons: { store: 'store unreachable' } });
    setReady(undefined);
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('documents every route with its scope in the OpenAPI document', async () => {
    const { app, router } = makeApp();
    const res = await app.request('/api/openapi.json');
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-linewatch-scope': string; parameters: { name: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of router.routes) expect(doc.paths[r.path]?.[r.method]?.['x-linewatch-scope']).toBe(r.scope);
    expect(doc.paths['/api/v1/things']?.get?.parameters.map((p) => p.name)).toEqual(['limit']);
    expect(
      buildOpenApi([{ method: 'get', path: '/api/v1/transactions/:id', scope: 'read' }], 'x').paths,
    ).toHaveProperty(['/api/v1/transactions/{id}']);
  });
});

describe('exposure check', () => {
  it('refuses to bind a non-loopback address while no credential exists, and allows it once one does', () => {
    const exposed = LinewatchConfigSchema.parse({ server: { host: '0.0.0.0' } });
    expect(() => checkExposure(exposed, true)).toThrow(/binding 0\.0\.0\.0 with no principal or token/);
    expect(() => checkExposure(exposed, false)).not.toThrow();
    expect(() => checkExposure(LinewatchConfigSchema.parse({}), true)).not.toThrow();
  });
});
