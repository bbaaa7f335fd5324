import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  pollUntil,
  spawnLinewatch,
  writeTestConfig,
  type LinewatchProcess,
} from '../support/linewatchProcess.ts';
import { launchChromium, shoot, watchPage, type PageProblems } from './support/browser.ts';
import { buildWebIfStale } from './support/webBuild.ts';

// The support team's walk, in a real browser against the real server: `linewatch start --demo`
// with embedded ClickHouse and the plant simulator, the built UI served at `/`.
// overview → red tile → transaction → timeline; search a key; dependency map → click a node;
// every other view renders; no console errors anywhere. Screenshots go to test/artifacts/.

let lw: LinewatchProcess;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: PageProblems;

interface FlowHealthBody {
  flows: { flow: string; volume: number; late: number; missing: number; failed: number }[];
}

beforeAll(async () => {
  browser = await launchChromium();
  buildWebIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), 'lw-browser-'));
  const config = writeTestConfig(
    dataDir,
    { log: { level: 'warn' }, demo: { enabled: true, seed: 7 } },
    {
      repoReports: true,
    },
  );
  lw = spawnLinewatch(['start', '--config', config, '--demo']);
  base = await lw.apiUrl;
  // The README promises live plants and flows within a minute of start; allow for a loaded machine.
  await pollUntil(
    async () => {
      const res = await fetch(`${base}/api/v1/flow-health?window=1h`);
      if (!res.ok) return undefined;
      const body = (await res.json()) as FlowHealthBody;
      return body.flows.some((f) => f.volume > 0) ? body : undefined;
    },
    150_000,
    'the demo to start transactions (GET /api/v1/flow-health)',
  );
  // Switch a demo fault on, as a presenter would from the demo panel: the MES connector of one plant
  // goes down, its steps never happen, and the next steps of its flows go missing.
  const fault = await fetch(`${base}/api/v1/demo/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'connector-outage', active: true }),
  });
  expect(fault.status).toBe(200);
  context = await browser.newContext({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
  page = await context.newPage();
  problems = watchPage(page);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  lw?.child.kill('SIGTERM');
  await lw?.exited;
}, 60_000);

afterEach(() => {
  // Every step of the walk must leave the console clean.
  expect(problems.list).toEqual([]);
});

/** Waits until nothing on the page is still loading (no skeleton placeholders). */
async function settle(p: Page = page): Promise<void> {
  await pollUntil(
    async () => ((await p.locator('.skeleton').count()) === 0 ? true : undefined),
    30_000,
    'the page to load',
  );
}

/**
 * The list (the sweep's `transactions` table) and the detail (evaluated on request) of one
 * transaction agree, at the latest one sweep after a step that changed it arrived.
 */
async function expectListAgreesWithDetail(href: string): Promise<void> {
  const [, flow = '', key = ''] = /\/transactions\/([^/?]+)\/([^/?]+)/.exec(href) ?? [];
  const statuses = async () => {
    const detail = (await (await fetch(`${base}/api/v1/transactions/${flow}/${key}`)).json()) as {
      transaction: { status: string };
    };
    const q = new URLSearchParams({ flow: decodeURIComponent(flow), key: decodeURIComponent(key) });
    const list = (await (await fetch(`${base}/api/v1/transactions?${q.toString()}`)).json()) as {
      items: { key: string; status: string }[];
    };
    const listed = list.items.find((t) => t.key === decodeURIComponent(key));
    return { list: listed?.status, detail: detail.transaction.status };
  };
  let last = await statuses();
  await pollUntil(
    async () => {
      last = await statuses();
      return last.list === last.detail ? true : undefined;
    },
    20_000,
    'the list and the detail to agree',
  ).catch(() => undefined);
  expect(last, `list vs detail of ${flow} ${decodeURIComponent(key)}`).toEqual({
    list: last.detail,
    detail: last.detail,
  });
}

/** Waits until a problem status shows on the overview (the demo's faults take a few deadlines to appear). */
async function waitForProblemTile(): Promise<void> {
  await pollUntil(
    async () => {
      const res = await fetch(`${base}/api/v1/flow-health?window=1h`);
      const body = (await res.json()) as FlowHealthBody;
      return body.flows.some((f) => f.missing + f.failed + f.late > 0) ? true : undefined;
    },
    180_000,
    'a late, missing or failed transaction in the demo',
  );
}

describe('the support walk in a browser', () => {
  it('shows live plants and flows on the overview', async () => {
    await page.goto(`${base}/?window=1h`);
    await page.getByRole('table', { name: 'Plant × flow health' }).waitFor();
    const tiles = page.locator('a.tile');
    expect(await tiles.count()).toBeGreaterThan(0);
    await page
      .locator('section[aria-labelledby="trend-h"] .recharts-surface')
      .first()
      .waitFor({ timeout: 30_000 });
    await settle();
    await shoot(page, 'overview');
  }, 60_000);

  it('drills from a red tile to a transaction and its timeline', async () => {
    await waitForProblemTile();
    await page.goto(`${base}/?window=1h`);
    await page.getByRole('table', { name: 'Plant × flow health' }).waitFor();
    const bad = page.locator('a.tile[data-health="failing"], a.tile[data-health="degraded"]').first();
    await bad.waitFor({ timeout: 30_000 });
    await bad.click();
    await page.waitForURL(/\/transactions\?/);
    expect(new URL(page.url()).searchParams.get('status')).toMatch(/failed|missing|late/);
    const rows = page.getByRole('table', { name: 'Transactions' }).locator('tbody tr');
    await rows.first().waitFor({ timeout: 30_000 });
    await settle();
    await shoot(page, 'transactions');
    // Open the listed problems, missing first (the outage's: its MES steps never come, so they stay
    // missing), then failed (a retry may still recover those), late and duplicate. The list is the
    // sweep's, the detail is evaluated on request at the same data clock: they agree, or the list
    // catches up within a sweep when a step arrived in between. The first that still has its
    // problem shows it on its timeline.
    const hrefs: string[] = [];
    for (const status of ['missing', 'failed', 'late', 'duplicate']) {
      const listed = rows.filter({ has: page.locator('.badge', { hasText: new RegExp(`^${status}$`) }) });
      for (let i = 0; i < Math.min(6, await listed.count()); i++) {
        const href = await listed.nth(i).locator('a').first().getAttribute('href');
        if (href && /\/transactions\/[^/?]+\/[^/?]+/.test(href)) hrefs.push(href);
      }
    }
    expect(hrefs.length).toBeGreaterThan(0);
    const problemStep = ['failed', 'missing', 'late', 'retrying', 'duplicate']
      .map((st) => `ol.timeline li[data-state="${st}"]`)
      .join(', ');
    let shown = false;
    for (const href of hrefs.slice(0, 8)) {
      await page.goto(`${base}${href}`);
      await page.getByRole('list', { name: 'Steps' }).waitFor();
      expect(await page.getByTestId('reason').textContent()).not.toBe('');
      expect(await page.locator('ol.timeline li').count()).toBeGreaterThan(0);
      await expectListAgreesWithDetail(href);
      // The root cause is on the timeline: the step that failed, went missing, was late or duplicated.
      if ((await page.locator(problemStep).count()) > 0) {
        shown = true;
        break;
      }
    }
    expect(shown).toBe(true);
    await settle();
    await shoot(page, 'transaction-timeline');
  }, 240_000);

  it('finds a transaction by its business key', async () => {
    const res = await fetch(`${base}/api/v1/transactions?window=1h&limit=1`);
    const { items } = (await res.json()) as { items: { key: string; flow: string }[] };
    const key = items[0]?.key as string;
    expect(key).toBeTruthy();
    await page.goto(`${base}/?window=1h`);
    await page.getByRole('table', { name: 'Plant × flow health' }).waitFor();
    await page.keyboard.press('/');
    const box = page.getByRole('searchbox', { name: /Search a business key/ });
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('global-search');
    await page.keyboard.type(key);
    expect(await box.inputValue()).toBe(key);
    await page.keyboard.press('Enter');
    // Off the overview first: its own "Transactions" table (the worst five) is not the results.
    await page.waitForURL((url) => url.pathname !== '/');
    // One hit opens the transaction (the search page redirects); several are listed.
    const steps = page.getByRole('list', { name: 'Steps' });
    const results = page.getByRole('table', { name: 'Transactions' });
    await steps.or(results).first().waitFor({ timeout: 30_000 });
    if (await results.isVisible()) {
      await shoot(page, 'search-results');
      await results.getByRole('link', { name: key }).first().click();
    }
    await page.getByRole('list', { name: 'Steps' }).waitFor();
    expect(await page.locator('h1').first().textContent()).toContain(key);
    await shoot(page, 'search');
  }, 60_000);

  it('opens the dependency map and shows what depends on a clicked node', async () => {
    await page.goto(`${base}/map?window=1h`);
    const node = page.locator('.react-flow__node').first();
    await node.waitFor({ timeout: 30_000 });
    expect(await page.locator('.react-flow__edge').count()).toBeGreaterThan(0);
    await shoot(page, 'dependency-map');
    await node.click();
    await page.getByTestId('node-details').waitFor();
    expect(new URL(page.url()).searchParams.get('node')).toBeTruthy();
    expect(await page.getByTestId('node-details').textContent()).toContain('Flows that depend on it');
    await settle();
    await shoot(page, 'dependency-map-node');
  }, 60_000);

  it('opens the flow view with its charts', async () => {
    // The busiest flow: a rare one (machine downtime) may not have started anything yet this early.
    const res = await fetch(`${base}/api/v1/flow-health?window=1h`);
    const busiest = ((await res.json()) as FlowHealthBody).flows.sort((a, b) => b.volume - a.volume)[0];
    expect(busiest?.volume).toBeGreaterThan(0);
    await page.goto(`${base}/?window=1h`);
    await page.locator(`.flow-name a[href^="/flows/${busiest?.flow ?? ''}?"]`).click();
    await page.waitForURL(/\/flows\//);
    await page.getByRole('heading', { name: 'Step-to-step latency' }).waitFor();
    await page.locator('.recharts-surface').first().waitFor({ timeout: 30_000 });
    await settle();
    await shoot(page, 'flow');
  }, 60_000);

  it('renders queues, unmatched events, collector health, both shipped dashboards and the demo panel', async () => {
    for (const [path, name, heading] of [
      ['/queues?window=1h', 'queues', 'Queues'],
      ['/unmatched', 'unmatched', 'Unmatched events'],
      ['/collector', 'collector', 'Collector health'],
      ['/dashboards/plant-shift', 'dashboard-plant-shift', 'Plant shift'],
      ['/dashboards/connector-owner', 'dashboard-connector-owner', 'Connector owner'],
      ['/demo', 'demo', 'Demo scenarios'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      // Wait for every loading placeholder to resolve before the screenshot.
      await settle();
      expect(await page.locator('.state.error').count(), `${path} shows an error`).toBe(0);
      await shoot(page, name);
    }
  }, 120_000);

  it('lists alerts by tier, opens one with its history, and silences alerts like it', async () => {
    // The demo's rules fire within a few evaluations (duplicates, the MES outage switched on above).
    const alerts = await pollUntil(
      async () => {
        const res = await fetch(`${base}/api/v1/alerts?state=all`);
        const body = (await res.json()) as { items: { id: string; rule: string }[] };
        return body.items.length ? body.items : undefined;
      },
      150_000,
      'an alert in the demo (GET /api/v1/alerts)',
    );
    await page.goto(`${base}/alerts?state=all`);
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.getByLabel('Open alerts by tier').waitFor();
    await page.getByRole('table', { name: 'Alerts' }).waitFor();
    await settle();
    await shoot(page, 'alerts');

    await page.goto(`${base}/alerts/${encodeURIComponent(alerts[0]?.id ?? '')}`);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await settle();
    expect(await page.getByRole('table', { name: 'History' }).locator('tbody tr').count()).toBeGreaterThan(0);
    await shoot(page, 'alert-detail');

    await page.getByRole('link', { name: 'Silence like this' }).click();
    await page.getByRole('heading', { name: 'Silences', level: 1 }).waitFor();
    await pollUntil(
      async () => ((await page.getByLabel('Value 1').inputValue()) === alerts[0]?.rule ? true : undefined),
      20_000,
      'the silence form to be prefilled from the alert',
    );
    await page.getByLabel('Comment').fill('browser walk: line 2 retooling');
    await page.getByRole('button', { name: 'Silence', exact: true }).click();
    await page.getByRole('table', { name: 'Silences' }).getByText('browser walk: line 2 retooling').waitFor();
    await settle();
    await shoot(page, 'silences');
  }, 240_000);

  it('lists the produced SLA reports with a preview of one', async () => {
    // A fresh data directory catches up the shipped definitions' latest weekly run at start.
    await pollUntil(
      async () => {
        const body = (await (await fetch(`${base}/api/v1/reports`)).json()) as { items: unknown[] };
        return body.items.length ? true : undefined;
      },
      120_000,
      'a produced report (GET /api/v1/reports)',
    );
    await page.goto(`${base}/reports`);
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await page.getByRole('table', { name: 'Produced reports' }).waitFor();
    const preview = page.frameLocator('iframe.report-preview');
    await preview.locator('body').waitFor({ timeout: 30_000 });
    expect(await preview.locator('body').innerText()).toMatch(/W\d{2}/);
    await settle();
    await shoot(page, 'reports');
  }, 180_000);

  it('says who is signed in and shows the audit trail (read-only) to the admin', async () => {
    // In open mode (no principal on this demo) the browser on loopback is the local admin.
    await page.goto(`${base}/?window=1h`);
    await page.getByRole('table', { name: 'Plant × flow health' }).waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('local admin (no sign-in configured)');
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    const audit = await fetch(`${base}/api/v1/audit?limit=50`);
    expect(audit.status).toBe(200);
    const { entries } = (await audit.json()) as {
      entries: { action: string; principal: { id: string }; before: unknown; after: unknown }[];
    };
    await settle();
    expect(await page.locator('.state.error').count(), '/audit shows an error').toBe(0);
    // The fault switched on at the start and the silence created above are recorded, by the local admin.
    expect(entries.find((e) => e.action === 'demo.scenario')?.principal.id).toBe('local-admin');
    expect(entries.find((e) => e.action === 'silence.create')?.principal.id).toBe('local-admin');
    const rows = page.getByRole('table', { name: 'Audit log' }).locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(1);
    // Open the first change with a before or an after: they show side by side.
    await page
      .getByRole('button', { name: /^Show before and after of / })
      .first()
      .click();
    await page.getByRole('region', { name: 'After' }).waitFor();
    // Append-only: nothing on the page edits or deletes a row.
    expect(await page.getByRole('button', { name: /delete|edit|remove/i }).count()).toBe(0);
    await shoot(page, 'audit');
  }, 60_000);

  it('reads on a 4K wall screen in the light theme', async () => {
    const wall = await browser.newContext({ viewport: { width: 3840, height: 2160 }, colorScheme: 'light' });
    const p = await wall.newPage();
    const wallProblems = watchPage(p);
    await p.goto(`${base}/?window=1h`);
    await p.getByRole('table', { name: 'Plant × flow health' }).waitFor();
    // The test runs under Node's types: page-side code is passed as text.
    const fontPx = await p.evaluate<number>(
      'parseFloat(getComputedStyle(document.documentElement).fontSize)',
    );
    expect(fontPx).toBeGreaterThan(24);
    expect(await p.evaluate<string>('document.documentElement.dataset.theme')).toBe('light');
    await shoot(p, 'overview-4k-light');
    await wall.close();
    expect(wallProblems.list).toEqual([]);
  }, 60_000);
  it('keeps the last data on screen and says what failed when the server stops answering', async () => {
    await page.goto(`${base}/?window=1h`);
    await page.getByRole('table', { name: 'Plant × flow health' }).waitFor();
    lw.child.kill('SIGTERM');
    await lw.exited;
    // The next live refresh (every 15 s) fails: the matrix stays, a notice names the failed call.
    const notice = page.getByRole('alert').filter({ hasText: 'Could not refresh flow health' });
    await notice.waitFor({ timeout: 40_000 });
    expect(await notice.textContent()).toContain('GET /api/v1/flow-health');
    expect(await page.getByRole('table', { name: 'Plant × flow health' }).isVisible()).toBe(true);
    await shoot(page, 'overview-server-down');
    // The refused connections are the point of this step, not a fault of the UI.
    problems.clear();
  }, 90_000);
});
