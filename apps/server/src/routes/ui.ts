import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { ScopedRouter } from '../router.ts';

/**
 * Serves the built web UI (apps/web/dist) at `/`; unknown non-API paths get index.html so that
 * client-side routes are shareable links. The UI itself holds no data: its API calls carry the scope.
 */
export function registerUiRoutes(router: ScopedRouter, webDir: string): boolean {
  const root = resolve(webDir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  const html = readFileSync(index, 'utf8');
  router.get('/assets/*', 'public', serveStatic({ root }) as never);
  router.get('/favicon.svg', 'public', serveStatic({ root }) as never);
  router.get('*', 'public', (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/v1/')) return c.notFound();
    return c.html(html);
  });
  return true;
}
