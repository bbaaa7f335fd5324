import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';

/** Returns the scopes an Authorization header grants, or undefined (injected by the server's TokenVerifier). */
export type VerifyIngest = (authorization: string | undefined) => { scopes: ReadonlySet<string> } | undefined;

/** The Hono app of the OTLP/HTTP port (and mounted on the API port): every route requires the `ingest` scope. */
export function createIngestApp(verify: VerifyIngest): Hono {
  const app = new Hono();
  app.use(
    '*',
    createMiddleware(async (c, next) => {
      const principal = verify(c.req.header('authorization'));
      if (!principal) {
        c.header('WWW-Authenticate', 'Bearer realm="linewatch"');
        return c.json(
          { error: { code: 'unauthenticated', message: 'a valid bearer token is required' } },
          401,
        );
      }
      if (!principal.scopes.has('ingest'))
        return c.json({ error: { code: 'forbidden', message: 'this token lacks the "ingest" scope' } }, 403);
      return next();
    }),
  );
  return app;
}
