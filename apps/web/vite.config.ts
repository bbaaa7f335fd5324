import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server serves dist/ at `/` on the same origin as the API; in dev, vite proxies the API to a
// local `linewatch start` on 8080.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // dist/.vite/manifest.json: the bundle budget check walks the entry's static imports from it.
    manifest: true,
    // The entry chunk must stay under the 300 KB gzip budget (scripts/bundleBudget.ts); charts and
    // the dependency map are loaded with React.lazy when their view opens.
    chunkSizeWarningLimit: 900,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/readyz': 'http://127.0.0.1:8080',
    },
  },
});
