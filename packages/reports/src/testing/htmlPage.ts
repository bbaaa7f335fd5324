import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from '../renderPdf.ts';

/** A headless Chromium for tests that read the HTML as a browser renders it. */
export async function testBrowser(): Promise<Browser> {
  const path = findChromium();
  if (!path)
    throw new Error('no Chromium found (apt-get install -y chromium): the HTML and PDF tests need it');
  return launchChromium(path);
}

/** A page showing `html`, with every network request refused (the report must need none). */
export async function showHtml(browser: Browser, html: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  await page.route('**/*', async (route) => {
    requests.push(route.request().url());
    await route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests };
}
