import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..', '..');
/** Screenshots land here (git-ignored). */
export const ARTIFACTS = join(root, 'test', 'artifacts');

/** Debian's chromium (apt-get install -y chromium); override with LINEWATCH_CHROMIUM. */
export const CHROMIUM_PATH = process.env.LINEWATCH_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium the way CI runs it (no sandbox, no background traffic). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set LINEWATCH_CHROMIUM`,
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** What went wrong in a page: console errors, uncaught exceptions and API answers ≥ 400. */
export interface PageProblems {
  list: string[];
  /** Forgets what was collected so far (after a step that expects an error). */
  clear(): void;
}

/** Records console errors, page errors and failing API calls of a page. */
export function watchPage(page: Page): PageProblems {
  const list: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') list.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => list.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/api/'))
      list.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // Navigation aborts cancel in-flight queries on purpose; anything else is a failure.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      list.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return { list, clear: () => list.splice(0, list.length) };
}

/** Saves a full-page screenshot as test/artifacts/<name>.png and returns its path. */
export async function shoot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
