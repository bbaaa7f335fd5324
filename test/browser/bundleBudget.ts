import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The first-load budget of the UI: the entry chunk and everything it imports statically, gzipped. */
export const FIRST_LOAD_BUDGET_BYTES = 300 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** One file of the first load and its sizes. */
export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** What a browser downloads before the overview can render, and the lazy chunks it does not. */
export interface BundleReport {
  entry: BundleFile;
  firstLoad: BundleFile[];
  firstLoadGzipBytes: number;
  lazy: BundleFile[];
}

function measure(dist: string, file: string): BundleFile {
  const body = readFileSync(join(dist, file));
  return { file, bytes: body.length, gzipBytes: gzipSync(body).length };
}

/**
 * Reads vite's manifest in `dist` and measures the entry chunk, its static imports and CSS
 * (the first load) and every lazily imported chunk.
 * @example measureBundle('apps/web/dist').firstLoadGzipBytes
 */
export function measureBundle(dist: string): BundleReport {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!entryKey) throw new Error(`no entry chunk in ${dist}/.vite/manifest.json`);
  const seen = new Set<string>();
  const files: string[] = [];
  const walk = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const c = manifest[key];
    if (!c) return;
    files.push(c.file, ...(c.css ?? []));
    for (const i of c.imports ?? []) walk(i);
  };
  walk(entryKey);
  const firstLoad = [...new Set(files)].map((f) => measure(dist, f));
  const lazyFiles = new Set(
    Object.values(manifest)
      .map((c) => c.file)
      .filter((f) => !files.includes(f) && f.endsWith('.js')),
  );
  return {
    entry: measure(dist, (manifest[entryKey] as ManifestChunk).file),
    firstLoad,
    firstLoadGzipBytes: firstLoad.reduce((a, f) => a + f.gzipBytes, 0),
    lazy: [...lazyFiles].map((f) => measure(dist, f)).sort((a, b) => b.gzipBytes - a.gzipBytes),
  };
}

/** The report as text lines, sizes in KB. */
export function formatBundleReport(r: BundleReport): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const line = (f: BundleFile) =>
    `  ${f.file.padEnd(48)} ${kb(f.bytes).padStart(11)} ${kb(f.gzipBytes).padStart(10)} gzip`;
  return [
    `entry chunk: ${r.entry.file} ${kb(r.entry.gzipBytes)} gzip`,
    `first load (entry + static imports + CSS): ${kb(r.firstLoadGzipBytes)} gzip (budget ${kb(FIRST_LOAD_BUDGET_BYTES)})`,
    ...r.firstLoad.map(line),
    'lazy chunks:',
    ...r.lazy.map(line),
  ].join('\n');
}

// `tsx test/browser/bundleBudget.ts [dist]`: prints the report; exits 1 over budget (CI).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dist = resolve(process.argv[2] ?? 'apps/web/dist');
  const report = measureBundle(dist);
  process.stdout.write(`${formatBundleReport(report)}\n`);
  if (report.firstLoadGzipBytes > FIRST_LOAD_BUDGET_BYTES) {
    process.stdout.write('over budget: lazy-load more of the UI (React.lazy)\n');
    process.exit(1);
  }
}
