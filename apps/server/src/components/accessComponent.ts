import { registerAccessRoutes } from '../routes/access.ts';
import { registerAuthRoutes } from '../routes/auth.ts';
import type { ComponentFactory } from '../runtime.ts';

/** Api role: the admin routes of principals, tokens and the audit trail, `whoami`, and sign-in. */
export const accessComponent: ComponentFactory = (ctx) => {
  if (!ctx.router) return undefined;
  registerAccessRoutes(ctx.router, { store: ctx.store, access: ctx.access, now: ctx.now });
  registerAuthRoutes(ctx.router, { store: ctx.store, access: ctx.access, now: ctx.now });
  return { name: 'access', start: () => Promise.resolve(), stop: () => Promise.resolve() };
};
