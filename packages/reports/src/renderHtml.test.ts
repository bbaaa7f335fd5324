import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, formatMs, renderHtml } from './renderHtml.ts';
import { showHtml, testBrowser } from './testing/htmlPage.ts';
import { sampleReport } from './testing/sampleReport.ts';

// The HTML is read as Chromium renders it: what a manager (or the PDF printer) sees.

let browser: Browser;
let page: Page;
let requests: string[];
const html = renderHtml(sampleReport());

beforeAll(async () => {
  browser = await testBrowser();
  ({ page, requests } = await showHtml(browser, html));
});
afterAll(() => browser?.close());

describe('the HTML export', () => {
  it('is one self-contained document: inline CSS, inline SVG, no script and nothing loaded from elsewhere', async () => {
    expect(requests).toEqual([]);
    expect(await page.locator('script, link, img, iframe, object, [src]').count()).toBe(0);
    expect(await page.locator('style').textContent()).toContain('@page{size:A4');
    expect(await page.locator('meta[name=viewport]').count()).toBe(1);
    expect(html).not.toMatch(/url\(/);
    expect(await page.locator('svg.chart polyline').count()).toBe(1);
  });

  it('escapes every text from the data', async () => {
    expect(await page.locator('a').allTextContents()).toContain('<script>alert(1)</script>');
    expect(await page.locator('body').textContent()).toContain('@SUM(A1) & <b>bold</b>');
    expect(await page.locator('b').count()).toBe(0);
    expect(await page.locator('h2 + .scroll th[scope=row]').first().textContent()).toBe(
      'Order release <Odoo → MES>',
    );
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('shows the figures and links each worst transaction to its timeline', async () => {
    const cells = await page.locator('h2 + .scroll tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 8)).toEqual(['100', '91', '4', '2', '3', '1', '0', '91.00 %']);
    expect(await page.locator('a').first().getAttribute('href')).toBe(
      `https://lw.example/transactions/release/${encodeURIComponent('=HYPERLINK("http://evil","x")')}`,
    );
    expect(await page.locator('.meta').textContent()).toContain(
      '2026-11-16 00:00 to 2026-11-23 00:00 (Europe/Berlin, 168 h)',
    );
  });

  it('fits a phone screen: the page itself never scrolls sideways, wide tables scroll in their box', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    const widths = await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(widths).toEqual([375, 375]);
    const chart = await page.locator('svg.chart').boundingBox();
    expect(chart?.width).toBeLessThanOrEqual(375);
  });

  it('formats durations for people', () => {
    expect([
      formatMs(null),
      formatMs(45_000),
      formatMs(200_000),
      formatMs(3_900_000),
      formatMs(50 * 3_600_000),
    ]).toEqual(['–', '45s', '3m 20s', '1h 05m', '2d 2h']);
  });
});
