import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
/** Where vite writes the UI the server serves. */
export const WEB_DIST = join(root, 'apps', 'web', 'dist');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds apps/web (vite) unless dist/ is newer than every source file of the UI and the schema it uses. */
export function buildWebIfStale(): void {
  const manifest = join(WEB_DIST, '.vite', 'manifest.json');
  const sources = Math.max(
    newest(join(root, 'apps', 'web', 'src')),
    newest(join(root, 'packages', 'schema', 'src')),
    statSync(join(root, 'apps', 'web', 'vite.config.ts')).mtimeMs,
    statSync(join(root, 'apps', 'web', 'index.html')).mtimeMs,
  );
  if (existsSync(manifest) && statSync(manifest).mtimeMs > sources) return;
  execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: join(root, 'apps', 'web'),
    // vitest sets NODE_ENV=test, which would build React's development bundle (and jsxDEV calls).
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'pipe',
  });
}
