import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { IngestRestriction } from '../otlp/types.ts';
import { clientCertificateSubject } from '../tls/clientCertificate.ts';

/** Who sends: the scopes it holds and, for a service account, the systems and plants it may report for. */
export interface IngestPrincipal {
  scopes: ReadonlySet<string>;
  /** Empty or absent: any plant. */
  plants?: readonly string[];
  /** Empty or absent: any system. */
  systems?: readonly string[];
}

/** Returns the principal an Authorization header proves, or undefined (injected by the server's access control). */
export type VerifyIngest = (
  authorization: string | undefined,
  /** The subject of the connection's verified client certificate (mTLS), when it has one. */
  clientCertificateSubject?: string,
) => IngestPrincipal | undefined;

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by the ingest app's credential check: what the sender may report for (absent: anything). */
    ingestRestriction: IngestRestriction | undefined;
  }
}

/** The restriction of a principal, or undefined when it may report for anything. */
export function restrictionOf(p: IngestPrincipal): IngestRestriction | undefined {
  const systems = p.systems ?? [];
  const plants = p.plants ?? [];
  return systems.length || plants.length ? { systems, plants } : undefined;
}

/** What the request's sender may report for (set by the ingest app's middleware). */
export function requestRestriction(c: Context): IngestRestriction | undefined {
  return c.get('ingestRestriction');
}

/** The Hono app of the OTLP/HTTP port (and mounted on the API port): every route requires the `ingest` scope. */
export function createIngestApp(verify: VerifyIngest): Hono {
  const app = new Hono();
  app.use(
    '*',
    createMiddleware(async (c, next) => {
      const principal = verify(c.req.header('authorization'), clientCertificateSubject(c));
      if (!principal) {
        c.header('WWW-Authenticate', 'Bearer realm="linewatch"');
        return c.json(
          { error: { code: 'unauthenticated', message: 'a valid bearer token is required' } },
          401,
        );
      }
      if (!principal.scopes.has('ingest'))
        return c.json({ error: { code: 'forbidden', message: 'this token lacks the "ingest" scope' } }, 403);
      c.set('ingestRestriction', restrictionOf(principal));
      return next();
    }),
  );
  return app;
}
