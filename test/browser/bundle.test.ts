import { beforeAll, describe, expect, it } from 'vitest';
import { FIRST_LOAD_BUDGET_BYTES, formatBundleReport, measureBundle } from './bundleBudget.ts';
import { buildWebIfStale, WEB_DIST } from './support/webBuild.ts';

describe('bundle size budget', () => {
  beforeAll(() => buildWebIfStale(), 180_000);

  it('keeps the first load (entry chunk, its static imports and CSS) under 300 KB gzip', () => {
    const report = measureBundle(WEB_DIST);
    process.stdout.write(`${formatBundleReport(report)}\n`);
    expect(report.firstLoadGzipBytes).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
  });

  it('loads the dependency map and the charts lazily, outside the first load', () => {
    const report = measureBundle(WEB_DIST);
    const first = report.firstLoad.map((f) => f.file).join(' ');
    expect(first).not.toMatch(/DependencyMapPage|TimeSeriesChart/);
    expect(report.lazy.map((f) => f.file).join(' ')).toMatch(/DependencyMapPage.*|TimeSeriesChart/);
  });
});
