import { SessionStore } from '../access/sessions.ts';
import { registerAccessRoutes } from '../routes/access.ts';
import { registerAuthRoutes } from '../routes/auth.ts';
import { registerOidcRoutes } from '../routes/oidc.ts';
import type { ComponentFactory } from '../runtime.ts';

/** Api role: the admin routes of principals, tokens and the audit trail, `whoami`, and sign-in. */
export const accessComponent: ComponentFactory = (ctx) => {
  if (!ctx.router) return undefined;
  const { auth } = ctx.config;
  registerAccessRoutes(ctx.router, { store: ctx.store, access: ctx.access, now: ctx.now });
  const sessions = new SessionStore(ctx.store, {
    idleMs: auth.sessions.idleTimeout,
    absoluteMs: auth.sessions.absoluteTimeout,
  });
  registerAuthRoutes(ctx.router, {
    store: ctx.store,
    access: ctx.access,
    now: ctx.now,
    sessions,
    oidc: auth.oidc.map((p) => ({ id: p.id, name: p.name })),
  });
  registerOidcRoutes(ctx.router, {
    store: ctx.store,
    access: ctx.access,
    sessions,
    providers: auth.oidc,
    ...(ctx.config.publicUrl ? { publicUrl: ctx.config.publicUrl } : {}),
    secret: ctx.secret,
    logger: ctx.logger,
    now: ctx.now,
  });
  return { name: 'access', start: () => Promise.resolve(), stop: () => Promise.resolve() };
};
