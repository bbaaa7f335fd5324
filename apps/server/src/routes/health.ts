import type { ScopedRouter } from '../router.ts';

/** A check that returns undefined when ready, or the reason it is not. */
export type ReadinessCheck = () => Promise<string | undefined>;

/** `/healthz` (the process is alive) and `/readyz` (every component is ready; 503 with the reasons otherwise). */
export function registerHealthRoutes(router: ScopedRouter, checks: Record<string, ReadinessCheck>): void {
  router.get('/healthz', 'public', (c) => c.json({ status: 'ok' }));
  router.get('/readyz', 'public', async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (e) {
          return [name, (e as Error).message] as const;
        }
      }),
    );
    const failing = results.filter(([, reason]) => reason !== undefined);
    if (failing.length === 0) return c.json({ status: 'ready' });
    return c.json({ status: 'not_ready', reasons: Object.fromEntries(failing) }, 503);
  });
}
