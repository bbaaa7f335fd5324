import { z } from 'zod';
import type { DeclaredRoute, ScopedRouter } from '../router.ts';

const toSchema = (s: z.ZodType) =>
  z.toJSONSchema(s, { target: 'draft-2020-12', unrepresentable: 'any', io: 'output' });

function queryParameters(route: DeclaredRoute, location: 'query' | 'path') {
  const schema = location === 'query' ? route.query : route.params;
  if (!schema) {
    if (location !== 'path') return [];
    return [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
  }
  const json = toSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

/** Builds the OpenAPI 3.1 document from the routes as declared (path, scope, zod shapes). */
export function buildOpenApi(routes: readonly DeclaredRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.path.includes('*')) continue;
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary ?? `${r.method.toUpperCase()} ${r.path}`,
      tags: r.tags,
      'x-linewatch-scope': r.scope,
      security: r.scope === 'public' ? [] : [{ bearer: [r.scope] }],
      parameters: [...queryParameters(r, 'path'), ...queryParameters(r, 'query')],
      responses: {
        '200': {
          description: 'OK',
          ...(r.response ? { content: { 'application/json': { schema: toSchema(r.response) } } } : {}),
        },
        ...(r.scope === 'public'
          ? {}
          : {
              '401': { $ref: '#/components/responses/Error' },
              '403': { $ref: '#/components/responses/Error' },
            }),
        '400': { $ref: '#/components/responses/Error' },
      },
    };
    if (r.body)
      op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body) } } };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Linewatch API',
      version,
      description:
        'Integration observability for manufacturing. Every operation names the scope it requires in x-linewatch-scope.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from `linewatch token create`' },
      },
      responses: {
        Error: {
          description: 'An error',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['error'],
                properties: {
                  error: {
                    type: 'object',
                    required: ['code', 'message', 'requestId'],
                    properties: {
                      code: { type: 'string' },
                      message: { type: 'string' },
                      requestId: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}

/** Serves the OpenAPI document at /api/openapi.json (built on first request, after every route is registered). */
export function registerOpenApiRoute(router: ScopedRouter, version: string): void {
  let doc: Record<string, unknown> | undefined;
  router.get('/api/openapi.json', 'public', (c) => c.json((doc ??= buildOpenApi(router.routes, version))), {
    summary: 'This OpenAPI document',
  });
}
