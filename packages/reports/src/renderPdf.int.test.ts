import { describe, expect, it } from 'vitest';
import { renderHtml } from './renderHtml.ts';
import { findChromium, renderPdf } from './renderPdf.ts';
import { pdfPages } from './testing/pdfPages.ts';
import { sampleReport } from './testing/sampleReport.ts';

// Both PDF paths that run here: Debian's Chromium printing the HTML, and pdfkit when no browser is
// there. Each PDF is rasterised with pdftoppm: pages must be A4 landscape and carry ink.

const report = sampleReport();
const html = renderHtml(report);
// A4 landscape at 40 dpi: 297 × 210 mm → 468 × 331 px (±1 for rounding).
const A4 = { width: 468, height: 331 };

function expectA4WithInk(pages: { width: number; height: number; inked: number }[]) {
  expect(pages.length).toBeGreaterThanOrEqual(1);
  for (const p of pages) {
    expect(Math.abs(p.width - A4.width)).toBeLessThanOrEqual(1);
    expect(Math.abs(p.height - A4.height)).toBeLessThanOrEqual(1);
    expect(p.inked).toBeGreaterThan(0.005);
  }
}

describe('the PDF export', () => {
  it('prints the HTML with headless Chromium when it is installed', async () => {
    expect(findChromium()).toBe('/usr/bin/chromium');
    const { bytes, engine } = await renderPdf(report, html);
    expect(engine).toBe('chromium');
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text } = pdfPages(bytes);
    expectA4WithInk(pages);
    expect(text).toContain('Weekly SLA report, plant P01, 2026-W47');
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toMatch(/91\.00 %/);
  }, 60_000);

  it('draws the report with pdfkit when no browser is found', async () => {
    const { bytes, engine } = await renderPdf(report, html, { chromiumPath: false });
    expect(engine).toBe('pdfkit');
    const { pages, text } = pdfPages(bytes);
    expectA4WithInk(pages);
    expect(text).toContain('Weekly SLA report, plant P01, 2026-W47');
    expect(text).toContain('Order release <Odoo → MES>');
    expect(text).toMatch(/91\.00 %/);
    expect(text).toContain('mes_unreachable (3)');
  });

  it('fails loudly, never silently switching engine, when a configured browser path does not exist', async () => {
    await expect(renderPdf(report, html, { chromiumPath: '/nonexistent/chromium' })).rejects.toThrow(
      /nonexistent/,
    );
  });
});
