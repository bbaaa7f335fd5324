import type { Context, Hono, MiddlewareHandler, Next } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './appEnv.ts';
import type { RouteScope } from './auth.ts';
import type { AccessControl } from './access/verifier.ts';
import { requireScope, type RequestAuthenticator } from './middleware/requireScope.ts';

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
  /** Ways besides the Authorization header a request may authenticate (sessions, client certificates). */
  readonly authenticators: RequestAuthenticator[] = [];
  /** Middleware run after the scope check and before every handler (per-principal rate limit, query range). */
  readonly afterAuth: MiddlewareHandler<AppEnv>[] = [];
  constructor(
    readonly app: Hono<AppEnv>,
    readonly access: AccessControl,
  ) {}

  private add(method: Method, path: string, scope: RouteScope, handler: Handler, doc: RouteDoc = {}) {
    this.routes.push({ method, path, scope, ...doc });
    this.app.on(
      method.toUpperCase(),
      path,
      requireScope(this.access, this.authenticators, scope),
      ...this.afterAuth,
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
  patch(path: string, scope: RouteScope, handler: Handler, doc?: RouteDoc) {
    return this.add('patch', path, scope, handler, doc);
  }
}
