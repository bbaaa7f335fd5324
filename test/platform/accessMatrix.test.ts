import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../apps/server/src/auth.ts';
import {
  pollUntil,
  spawnLinewatch,
  writeTestConfig,
  type LinewatchProcess,
} from '../support/linewatchProcess.ts';

// Every route of the OpenAPI document, walked with five principals: none, ingest-only, read P01,
// operate P01 and admin. The store holds the demo estate (P01 Lyon, P02 Brno, P03 Ghent): a first
// process runs the demo open on loopback until every plant has transactions, queues, alerts and
// reports, and a second one serves the same data directory with static tokens. Each route must
// answer each principal with the status its scope allows, and no answer to a P01 principal may hold
// data of another plant. A route without an entry in ROUTES fails the test, so a new route cannot
// skip the matrix.

type Who = 'none' | 'ingest' | 'readP01' | 'operateP01' | 'admin';
const WHO: Who[] = ['none', 'ingest', 'readP01', 'operateP01', 'admin'];
const tokens = {
  ingest: createToken('matrix-ingest', ['ingest'], []),
  readP01: createToken('matrix-read-p01', ['read'], ['P01']),
  operateP01: createToken('matrix-operate-p01', ['operate'], ['P01']),
  admin: createToken('matrix-admin', ['admin'], []),
};
/** What data of a plant other than P01 looks like in an answer: plant ids, Brno and Ghent keys and names. */
const FOREIGN = /\bP0[23]\b|\bBRN\/|\bGNT\/|Brno|Ghent/;

/** Ids found in the demo's data, for the paths of the walk. */
interface Samples {
  txP01: { flow: string; key: string };
  txP02: { flow: string; key: string };
  alertP01: string;
  alertP02: string;
  reportP01: { id: string; file: string };
  reportAll: string;
  silenceP02: string;
  principal: string;
  token: string;
}

interface Probe {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: (s: Samples) => string;
  body?: (s: Samples) => unknown;
  /** Statuses that differ from what the route's scope implies (see expected()). */
  expect?: Partial<Record<Who, number>>;
  /**
   * The answer is configuration (definitions of flows, rules, dashboards), the same for every
   * principal, which may name other plants; it holds no data of them.
   */
  definitions?: true;
}

const get = (path: (s: Samples) => string, more: Omit<Probe, 'method' | 'path'> = {}): Probe => ({
  method: 'GET',
  path,
  ...more,
});
const post = (
  path: (s: Samples) => string,
  body: (s: Samples) => unknown,
  more: Omit<Probe, 'method' | 'path' | 'body'> = {},
): Probe => ({
  method: 'POST',
  path,
  body,
  ...more,
});
const tx = (t: { flow: string; key: string }) =>
  `/api/v1/transactions/${t.flow}/${encodeURIComponent(t.key)}`;

/** One entry per route of the OpenAPI document ("METHOD /path/{param}"), with the probes of it. */
const ROUTES: Record<string, Probe[]> = {
  'GET /api/v1/whoami': [get(() => '/api/v1/whoami')],
  'GET /api/v1/auth/providers': [get(() => '/api/v1/auth/providers')],
  'POST /api/v1/auth/login': [
    post(
      () => '/api/v1/auth/login',
      () => ({ username: 'nobody', password: 'not a password' }),
      { expect: { none: 401, ingest: 401, readP01: 401, operateP01: 401, admin: 401 } },
    ),
  ],
  'GET /api/v1/auth/session': [get(() => '/api/v1/auth/session')],
  // No OpenID Connect provider is configured here (test/platform/oidc.test.ts signs in with one).
  'GET /api/v1/auth/oidc/{provider}/start': [
    get(() => '/api/v1/auth/oidc/corp/start?returnTo=/', {
      expect: { none: 404, ingest: 404, readP01: 404, operateP01: 404, admin: 404 },
    }),
  ],
  'GET /api/v1/auth/oidc/{provider}/callback': [
    get(() => '/api/v1/auth/oidc/corp/callback?code=x&state=y', {
      expect: { none: 404, ingest: 404, readP01: 404, operateP01: 404, admin: 404 },
    }),
  ],

  'POST /api/v1/auth/logout': [
    post(
      () => '/api/v1/auth/logout',
      () => ({}),
    ),
  ],
  'GET /api/v1/principals': [get(() => '/api/v1/principals')],
  'POST /api/v1/principals': [
    post(
      () => '/api/v1/principals',
      () => ({
        kind: 'service',
        name: `matrix-sa-${Math.random().toString(36).slice(2, 8)}`,
        scopes: ['read'],
        plants: ['P01'],
      }),
    ),
  ],
  'PATCH /api/v1/principals/{id}': [
    {
      method: 'PATCH',
      path: (s) => `/api/v1/principals/${s.principal}`,
      body: () => ({ displayName: 'Matrix' }),
    },
  ],
  'DELETE /api/v1/principals/{id}': [
    { method: 'DELETE', path: () => '/api/v1/principals/svc_doesnotexist', expect: { admin: 404 } },
  ],
  'GET /api/v1/tokens': [get(() => '/api/v1/tokens')],
  'POST /api/v1/tokens': [
    post(
      () => '/api/v1/tokens',
      (s) => ({ principalId: s.principal }),
    ),
  ],
  'POST /api/v1/tokens/{id}/revoke': [
    post(
      () => '/api/v1/tokens/doesnotexist/revoke',
      () => ({}),
      { expect: { admin: 404 } },
    ),
  ],
  'POST /api/v1/tokens/{id}/rotate': [
    post(
      (s) => `/api/v1/tokens/${s.token}/rotate`,
      () => ({ overlapMinutes: 5 }),
    ),
  ],
  'GET /api/v1/audit': [get(() => '/api/v1/audit?limit=200')],
  'POST /v1/traces': [
    post(
      () => '/v1/traces',
      () => ({ resourceSpans: [] }),
    ),
  ],
  'POST /v1/metrics': [
    post(
      () => '/v1/metrics',
      () => ({ resourceMetrics: [] }),
    ),
  ],
  'POST /v1/logs': [
    post(
      () => '/v1/logs',
      () => ({ resourceLogs: [] }),
    ),
  ],
  'POST /v1/events': [
    post(
      () => '/v1/events',
      () => ({ events: [] }),
    ),
  ],
  'POST /v1/odoo/webhook/{source}': [
    post(
      () => '/v1/odoo/webhook/odoo',
      () => ({}),
      // The demo config has no Odoo source: authorised callers get as far as the source lookup.
      { expect: { ingest: 404, admin: 404 } },
    ),
  ],
  'GET /metrics': [get(() => '/metrics')],
  'GET /api/v1/flows': [get(() => '/api/v1/flows', { definitions: true })],
  'GET /api/v1/flows/{flow}': [get(() => '/api/v1/flows/production_confirmation', { definitions: true })],
  'GET /api/v1/flow-health': [
    get(() => '/api/v1/flow-health?window=6h'),
    get(() => '/api/v1/flow-health?window=6h&plant=P02', { expect: { readP01: 403, operateP01: 403 } }),
  ],
  'POST /api/v1/flows/{flow}/reevaluate': [
    post(
      () => '/api/v1/flows/production_confirmation/reevaluate',
      () => ({ from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() }),
    ),
  ],
  'GET /api/v1/transactions': [
    get(() => '/api/v1/transactions?limit=200'),
    get(() => '/api/v1/transactions?plant=P02', { expect: { readP01: 403, operateP01: 403 } }),
  ],
  'GET /api/v1/transactions/{flow}/{key}': [
    get((s) => tx(s.txP01)),
    get((s) => tx(s.txP02), { expect: { readP01: 404, operateP01: 404 } }),
  ],
  'GET /api/v1/search': [get(() => '/api/v1/search?q=MO'), get(() => '/api/v1/search?q=BRN')],
  'GET /api/v1/unmatched': [get(() => '/api/v1/unmatched')],
  'GET /api/v1/alerts': [get(() => '/api/v1/alerts?limit=200'), get(() => '/api/v1/alerts?state=all')],
  'GET /api/v1/alerts/{id}': [
    get((s) => `/api/v1/alerts/${s.alertP01}`),
    get((s) => `/api/v1/alerts/${s.alertP02}`, { expect: { readP01: 404, operateP01: 404 } }),
  ],
  'POST /api/v1/alerts/{id}/ack': [
    post(
      (s) => `/api/v1/alerts/${s.alertP01}/ack`,
      () => ({ comment: 'matrix' }),
    ),
    post(
      (s) => `/api/v1/alerts/${s.alertP02}/ack`,
      () => ({ comment: 'matrix' }),
      { expect: { operateP01: 404 } },
    ),
  ],
  'GET /api/v1/silences': [get(() => '/api/v1/silences')],
  'POST /api/v1/silences': [
    post(
      () => '/api/v1/silences',
      () => ({
        matchers: [{ label: 'plant', op: '=', value: 'P01' }],
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'matrix',
      }),
    ),
    post(
      () => '/api/v1/silences',
      () => ({
        matchers: [{ label: 'plant', op: '=', value: 'P02' }],
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'matrix',
      }),
      { expect: { operateP01: 403 } },
    ),
  ],
  'DELETE /api/v1/silences/{id}': [
    { method: 'DELETE', path: (s) => `/api/v1/silences/${s.silenceP02}`, expect: { operateP01: 404 } },
  ],
  'GET /api/v1/alert-rules': [get(() => '/api/v1/alert-rules', { definitions: true })],
  'GET /api/v1/reports': [get(() => '/api/v1/reports')],
  'GET /api/v1/reports/{id}': [
    get((s) => `/api/v1/reports/${s.reportP01.id}`),
    get((s) => `/api/v1/reports/${s.reportAll}`, { expect: { readP01: 404, operateP01: 404 } }),
  ],
  'GET /api/v1/reports/{id}/files/{name}': [
    get((s) => `/api/v1/reports/${s.reportP01.id}/files/${s.reportP01.file}`),
  ],
  'GET /api/v1/report-definitions': [get(() => '/api/v1/report-definitions')],
  'POST /api/v1/reports/run': [
    post(
      () => '/api/v1/reports/run',
      () => ({ definition: 'p01-weekly' }),
      {
        expect: { operateP01: 201, admin: 201 },
      },
    ),
  ],
  'GET /api/v1/dashboards': [get(() => '/api/v1/dashboards', { definitions: true })],
  'GET /api/v1/dashboards/{id}': [get(() => '/api/v1/dashboards/connector-owner', { definitions: true })],
  'GET /api/v1/queries': [get(() => '/api/v1/queries', { definitions: true })],
  'GET /api/v1/queries/{name}': [
    get(() => '/api/v1/queries/events_over_time?range=6h&by=plant'),
    get(() => '/api/v1/queries/events_over_time?range=6h&plant=P02', {
      expect: { readP01: 403, operateP01: 403 },
    }),
  ],
  'GET /api/v1/dependencies': [get(() => '/api/v1/dependencies?window=6h')],
  'GET /api/v1/dependencies/impact': [get(() => '/api/v1/dependencies/impact?node=mes&window=6h')],
  'GET /api/v1/services': [get(() => '/api/v1/services?window=6h')],
  'GET /api/v1/services/{service}/operations': [get(() => '/api/v1/services/mes/operations?window=6h')],
  'GET /api/v1/queues': [get(() => '/api/v1/queues?window=6h')],
  'GET /api/v1/demo/scenarios': [get(() => '/api/v1/demo/scenarios')],
  'POST /api/v1/demo/scenarios': [
    post(
      () => '/api/v1/demo/scenarios',
      () => ({ name: 'connector-outage', active: false }),
      {
        expect: { operateP01: 409, admin: 409 },
      },
    ),
  ],
  'GET /healthz': [get(() => '/healthz')],
  // The built UI's own files (npm test builds it first).
  'GET /favicon.svg': [get(() => '/favicon.svg', { definitions: true })],
  'GET /readyz': [get(() => '/readyz')],
  'GET /api/openapi.json': [get(() => '/api/openapi.json', { definitions: true })],
};

/** The status the route's scope implies for a principal; undefined: any 2xx. */
function expected(scope: string, who: Who): number | undefined {
  if (scope === 'public') return undefined;
  if (who === 'none') return 401;
  const has: Record<Who, string[]> = {
    none: [],
    ingest: ['ingest', 'authenticated'],
    readP01: ['read', 'authenticated'],
    operateP01: ['read', 'operate', 'authenticated'],
    admin: ['ingest', 'read', 'operate', 'admin', 'authenticated'],
  };
  return has[who].includes(scope) ? undefined : 403;
}

let first: LinewatchProcess | undefined;
let lw: LinewatchProcess | undefined;
let base: string;
let openApi: { paths: Record<string, Record<string, { 'x-linewatch-scope': string }>> };
let samples: Samples;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lw-matrix-'));
  // 1. The demo, open on loopback, until every plant has data of every kind.
  const demoConfig = writeTestConfig(
    dataDir,
    { log: { level: 'warn' }, demo: { enabled: true, seed: 11 } },
    {
      repoReports: true,
    },
  );
  first = spawnLinewatch(['start', '--config', demoConfig, '--demo']);
  const demo = await first.apiUrl;
  type Tx = { items: { flow: string; key: string; plant: string }[] };
  type Alerts = { items: { id: string; plant: string | null }[] };
  type Reports = { items: { id: string; plant: string | null; files: { name: string }[] }[] };
  const ready = await pollUntil(
    async () => {
      const [p01, p02, alerts, reports] = await Promise.all([
        json<Tx>(`${demo}/api/v1/transactions?plant=P01&limit=1`),
        json<Tx>(`${demo}/api/v1/transactions?plant=P02&limit=1`),
        json<Alerts>(`${demo}/api/v1/alerts?state=all&limit=200`),
        json<Reports>(`${demo}/api/v1/reports`),
      ]);
      const alertP01 = alerts.items.find((a) => a.plant === 'P01');
      const alertP02 = alerts.items.find((a) => a.plant === 'P02');
      const reportP01 = reports.items.find((r) => r.plant === 'P01');
      const reportAll = reports.items.find((r) => r.plant === null);
      if (!p01.items[0] || !p02.items[0] || !alertP01 || !alertP02 || !reportP01 || !reportAll)
        return undefined;
      return { txP01: p01.items[0], txP02: p02.items[0], alertP01, alertP02, reportP01, reportAll };
    },
    240_000,
    'demo data at P01 and P02: transactions, alerts, reports',
  );
  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);

  // 2. The same data, served with tokens.
  const config = writeTestConfig(
    dataDir,
    { log: { level: 'warn' }, auth: { tokens: Object.values(tokens).map((t) => t.entry) } },
    { repoReports: true },
  );
  lw = spawnLinewatch(['start', '--config', config]);
  base = await lw.apiUrl;
  const admin = { authorization: `Bearer ${tokens.admin.token}`, 'content-type': 'application/json' };
  const silence = await json<{ id: string }>(`${base}/api/v1/silences`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({
      matchers: [{ label: 'plant', op: '=', value: 'P02' }],
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      comment: 'matrix P02',
    }),
  });
  const principal = await json<{ id: string }>(`${base}/api/v1/principals`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ kind: 'service', name: 'matrix-gateway', scopes: ['ingest'], plants: ['P01'] }),
  });
  const token = await json<{ record: { id: string } }>(`${base}/api/v1/tokens`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ principalId: principal.id }),
  });
  samples = {
    txP01: ready.txP01,
    txP02: ready.txP02,
    alertP01: ready.alertP01.id,
    alertP02: ready.alertP02.id,
    reportP01: { id: ready.reportP01.id, file: ready.reportP01.files[0]!.name },
    reportAll: ready.reportAll.id,
    silenceP02: silence.id,
    principal: principal.id,
    token: token.record.id,
  };
  openApi = await json(`${base}/api/openapi.json`);
}, 360_000);

afterAll(async () => {
  for (const p of [first, lw]) {
    if (p && p.child.exitCode === null) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
  }
}, 60_000);

describe('the access matrix over every route of the OpenAPI document', () => {
  it('has an entry for every route, and no entry for a route that does not exist', () => {
    const documented = Object.entries(openApi.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(
      documented.filter((r) => !(r in ROUTES)),
      'routes without a matrix entry',
    ).toEqual([]);
    expect(
      Object.keys(ROUTES).filter((r) => !documented.includes(r)),
      'entries without a route',
    ).toEqual([]);
  });

  it('answers each principal as its scope and plants allow, with no other plant in a P01 answer', async () => {
    const failures: string[] = [];
    for (const [route, probes] of Object.entries(ROUTES)) {
      const [method, path] = route.split(' ') as [string, string];
      const scope = openApi.paths[path]?.[method.toLowerCase()]?.['x-linewatch-scope'];
      expect(scope, `${route} has a scope in the OpenAPI document`).toBeTruthy();
      for (const probe of probes) {
        for (const who of WHO) {
          const url = probe.path(samples);
          const headers: Record<string, string> = {};
          if (who !== 'none') headers.authorization = `Bearer ${tokens[who].token}`;
          const body = probe.body?.(samples);
          if (body !== undefined) headers['content-type'] = 'application/json';
          const res = await fetch(`${base}${url}`, {
            method: probe.method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          const want = expected(scope!, who) ?? probe.expect?.[who];
          const ok = want === undefined ? res.status >= 200 && res.status < 300 : res.status === want;
          if (!ok)
            failures.push(
              `${who} ${probe.method} ${url}: ${res.status}, expected ${want ?? '2xx'}: ${text.slice(0, 200)}`,
            );
          if ((who === 'readP01' || who === 'operateP01') && res.status < 300 && !probe.definitions) {
            const leak = FOREIGN.exec(text);
            if (leak)
              failures.push(`${who} ${probe.method} ${url}: answer holds "${leak[0]}" of another plant`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
