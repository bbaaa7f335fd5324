import type { Context, Hono, MiddlewareHandler, Next } from 'hono';
import type { AppEnv } from './appEnv.ts';
import type { RouteScope, TokenVerifier } from './auth.ts';
import { requireScope } from './middleware/requireScope.ts';

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
type Handler = (c: Context<AppEnv>, next: Next) => Response | Promise<Response | void>;

/** A route as declared: method, path and the scope it requires (listed in the OpenAPI document and tests). */
export interface DeclaredRoute {
  method: Method;
  path: string;
  scope: RouteScope;
}

/**
 * Registers routes with a mandatory scope, so no route can exist without one.
 * @example router.get('/api/v1/flows', 'read', (c) => c.json(...))
 */
export class ScopedRouter {
  readonly routes: DeclaredRoute[] = [];
  constructor(
    readonly app: Hono<AppEnv>,
    private readonly verifier: TokenVerifier,
  ) {}

  private add(method: Method, path: string, scope: RouteScope, handler: Handler) {
    this.routes.push({ method, path, scope });
    this.app.on(method.toUpperCase(), path, requireScope(this.verifier, scope), handler as MiddlewareHandler<AppEnv>);
    return this;
  }

  get(path: string, scope: RouteScope, handler: Handler) {
    return this.add('get', path, scope, handler);
  }
  post(path: string, scope: RouteScope, handler: Handler) {
    return this.add('post', path, scope, handler);
  }
  put(path: string, scope: RouteScope, handler: Handler) {
    return this.add('put', path, scope, handler);
  }
  delete(path: string, scope: RouteScope, handler: Handler) {
    return this.add('delete', path, scope, handler);
  }
}
