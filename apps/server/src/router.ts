import type { Context, Hono, MiddlewareHandler, Next } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './appEnv.ts';
import type { RouteScope, TokenVerifier } from './auth.ts';
import { requireScope } from './middleware/requireScope.ts';

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
type Handler = (c: Context<AppEnv>, next: Next) => Response | Promise<Response | void>;

/** What the OpenAPI document says about a route (zod schemas become JSON Schema). */
export interface RouteDoc {
  summary?: string;
  tags?: string[];
  query?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
}

/** A route as declared: method, path and the scope it requires (listed in the OpenAPI document and tests). */
export interface DeclaredRoute extends RouteDoc {
  method: Method;
  path: string;
  scope: RouteScope;
}

/**
 * Registers routes with a mandatory scope, so no route can exist without one.
 * @example router.get('/api/v1/flows', 'read', (c) => c.json(list), { summary: 'List flows', response: FlowListSchema })
 */
export class ScopedRouter {
  readonly routes: DeclaredRoute[] = [];
  constructor(
    readonly app: Hono<AppEnv>,
    private readonly verifier: TokenVerifier,
  ) {}

  private add(method: Method, path: string, scope: RouteScope, handler: Handler, doc: RouteDoc = {}) {
    this.routes.push({ method, path, scope, ...doc });
    this.app.on(
      method.toUpperCase(),
      path,
      requireScope(this.verifier, scope),
      handler as MiddlewareHandler<AppEnv>,
    );
    return this;
  }

  get(path: string, scope: RouteScope, handler: Handler, doc?: RouteDoc) {
    return this.add('get', path, scope, handler, doc);
  }
  post(path: string, scope: RouteScope, handler: Handler, doc?: RouteDoc) {
    return this.add('post', path, scope, handler, doc);
  }
  put(path: string, scope: RouteScope, handler: Handler, doc?: RouteDoc) {
    return this.add('put', path, scope, handler, doc);
  }
  delete(path: string, scope: RouteScope, handler: Handler, doc?: RouteDoc) {
    return this.add('delete', path, scope, handler, doc);
  }
}
