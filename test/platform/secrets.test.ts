import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createNetServer } from 'node:net';
import { startSmtpServer } from '../../packages/alerting/src/channels/testing/startSmtpServer.ts';
import { createToken } from '../../apps/server/src/auth.ts';
import {
  pollUntil,
  spawnLinewatch,
  writeTestConfig,
  type LinewatchProcess,
} from '../support/linewatchProcess.ts';
import { startOidcProvider, type TestOidcProvider } from '../support/startOidcProvider.ts';
import { TestBrowser } from '../support/testBrowser.ts';

// Secrets never reach a log line or an API answer. The platform runs with known secrets: a static
// admin token and an ingest token (linewatch.yaml), the SMTP password, a webhook signing secret and
// a webhook URL with its credential in the path (environment), and the client secret of a real
// OpenID Connect provider through which a person signs in (the secret travels in the code exchange). The plant
// simulator plays the demo estate through the ingest token (`linewatch start --demo` refuses to run
// once a token exists: the in-process demo sends without one); an alert fires and is mailed through
// a real SMTP server that requires AUTH and posted to a webhook that fails once. Then every GET route
// of the OpenAPI document is called with the admin token, and every log line of both processes and
// every answer (body and headers) is searched for every secret.

const root = join(import.meta.dirname, '..', '..');
const MIN = 60_000;
const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

const admin = createToken('secrets-admin', ['admin'], []);
const ingest = createToken('secrets-ingest', ['ingest'], []);
const SMTP_USER = 'linewatch-relay';
const SMTP_PASSWORD = secret('smtp-pw');
const WEBHOOK_SECRET = secret('hook-signing');
const HOOK_PATH_SECRET = secret('hook-path');
const OIDC_CLIENT_SECRET = secret('oidc-client');

/** Each secret, and the encodings it travels in (SMTP AUTH PLAIN and LOGIN, Basic auth). */
const SECRETS: Record<string, string> = {
  'admin token': admin.token,
  'ingest token': ingest.token,
  'SMTP password': SMTP_PASSWORD,
  'SMTP AUTH PLAIN': Buffer.from(`\0${SMTP_USER}\0${SMTP_PASSWORD}`).toString('base64'),
  'SMTP AUTH LOGIN password': Buffer.from(SMTP_PASSWORD).toString('base64'),
  'base64 user:password': Buffer.from(`${SMTP_USER}:${SMTP_PASSWORD}`).toString('base64'),
  'webhook secret': WEBHOOK_SECRET,
  'webhook URL credential': HOOK_PATH_SECRET,
  'OIDC client secret': OIDC_CLIENT_SECRET,
  'admin token as Basic password': Buffer.from(`x:${admin.token}`).toString('base64'),
};

const RULES = `apiVersion: linewatch/v1
kind: AlertRules
rules:
  - id: secrets_probe_silence
    kind: connector
    systems: [scada_legacy]
    condition: { measure: silence, window: 2m, lookback: 1h }
    tier: { floor: P1 }
    annotations: { summary: 'No data from scada_legacy at {{plant}}' }
`;
const ROUTES = `apiVersion: linewatch/v1
kind: AlertRoutes
contacts:
  - id: ops
    name: Operations
    channels:
      - { type: email, to: [ops@plant.example] }
      - { type: webhook, urlEnv: LW_SECRETS_HOOK_URL, secretEnv: LW_SECRETS_HOOK_SECRET }
route:
  contacts: [ops]
defaults: { groupWait: 0s, groupInterval: 5s, repeatInterval: 4h }
`;

interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

let server: LinewatchProcess;
let simulator: LinewatchProcess | undefined;
let base: string;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let hook: Server;
let idp: TestOidcProvider;
const hookHits: Hit[] = [];
/** Every answer the test received: where from, status, headers and body. */
const answers: { what: string; text: string }[] = [];

async function call(path: string, init: RequestInit = {}, token: string | undefined = admin.token) {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const body = await res.text();
  answers.push({
    what: `${init.method ?? 'GET'} ${path} → ${res.status}`,
    text: `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${body}`,
  });
  return { status: res.status, body, json: () => JSON.parse(body) as unknown };
}

beforeAll(async () => {
  smtp = await startSmtpServer({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
  // The webhook receiver fails the first delivery (so an error is recorded), then accepts.
  hook = createServer((req, res) => {
    hookHits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      res.writeHead(hookHits.length === 1 ? 500 : 200, { 'content-type': 'text/plain' });
      res.end(hookHits.length === 1 ? 'try again' : 'ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/${HOOK_PATH_SECRET}`;

  // The API's port is chosen first: the provider must know the callback address before it starts.
  const port = await new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  const publicUrl = `http://127.0.0.1:${port}`;
  idp = await startOidcProvider({
    redirectUris: [`${publicUrl}/api/v1/auth/oidc/corp/callback`],
    accounts: [
      { sub: 'sub-ops', preferred_username: 'ops-lead', email: 'ops@plant.example', groups: ['ops'] },
    ],
    clientSecret: OIDC_CLIENT_SECRET,
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'lw-secrets-'));
  const rulesDir = mkdtempSync(join(tmpdir(), 'lw-secrets-rules-'));
  // The repository's rules (their routing replaced), plus one that fires within seconds.
  for (const f of readdirSync(join(root, 'alert-rules')))
    if (f.endsWith('.yaml') && f !== 'routes.yaml')
      copyFileSync(join(root, 'alert-rules', f), join(rulesDir, f));
  writeFileSync(join(rulesDir, 'secrets-probe.yaml'), RULES);
  writeFileSync(join(rulesDir, 'routes.yaml'), ROUTES);
  const config = writeTestConfig(dataDir, {
    log: { level: 'debug' },
    server: { port, shutdownGraceSeconds: 20 },
    publicUrl,
    auth: {
      tokens: [admin.entry, ingest.entry],
      oidc: [
        {
          id: 'corp',
          name: 'Corp SSO',
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecretEnv: 'LINEWATCH_OIDC_CLIENT_SECRET',
          scopes: ['openid', 'profile', 'email', 'groups'],
          roles: [{ groups: ['ops'], scopes: ['operate'] }],
        },
      ],
    },
    paths: {
      flows: join(root, 'flows'),
      alertRules: rulesDir,
      dashboards: join(root, 'dashboards'),
      web: join(root, 'apps', 'web', 'dist'),
      // No report definitions: the shipped weekly reports would be caught up (PDFs) at start.
      reports: mkdtempSync(join(tmpdir(), 'lw-secrets-reports-')),
    },
    alerting: {
      evaluationInterval: '500ms',
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        user: SMTP_USER,
        passwordEnv: 'LW_SECRETS_SMTP_PASSWORD',
        from: 'Linewatch <linewatch@plant.example>',
      },
      delivery: { pollInterval: '200ms', backoffBase: '500ms', backoffCap: '1s', timeout: '5s' },
    },
  });
  server = spawnLinewatch(['start', '--config', config], {
    LW_SECRETS_SMTP_PASSWORD: SMTP_PASSWORD,
    LW_SECRETS_HOOK_SECRET: WEBHOOK_SECRET,
    LW_SECRETS_HOOK_URL: hookUrl,
    LINEWATCH_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
  });
  base = await server.apiUrl;
  await pollUntil(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 90_000, 'readyz');
}, 150_000);

afterAll(async () => {
  simulator?.child.kill('SIGTERM');
  server?.child.kill('SIGTERM');
  await Promise.all([simulator?.exited, server?.exited]);
  await smtp?.close();
  await idp?.close();
  await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
}, 60_000);

/** Fills a templated path (`/api/v1/alerts/:id`) from the answers already fetched. */
function fillPath(template: string, fetched: Map<string, unknown>, fields: Map<string, string[]>): string {
  let path = '';
  for (const segment of template.split('/').slice(1)) {
    if (!segment.startsWith(':') && !segment.startsWith('{')) {
      path += `/${segment}`;
      continue;
    }
    const name = segment.replace(/^[:{]|}$/g, '');
    const here = fetched.get(path);
    const candidates = [...(here === undefined ? [] : fieldValues(here, name)), ...(fields.get(name) ?? [])];
    path += `/${encodeURIComponent(candidates[0] ?? 'unknown')}`;
  }
  return path;
}

/** String values of the fields called `name` anywhere in a JSON value. */
function fieldValues(v: unknown, name: string, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) fieldValues(x, name, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (k === name && (typeof x === 'string' || typeof x === 'number')) out.push(String(x));
      else fieldValues(x, name, out);
    }
  return out;
}

function collectFields(v: unknown, fields: Map<string, string[]>): void {
  if (Array.isArray(v)) for (const x of v) collectFields(x, fields);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && x.length > 0 && x.length < 200) {
        const list = fields.get(k) ?? [];
        if (list.length < 5 && !list.includes(x)) list.push(x);
        fields.set(k, list);
      } else collectFields(x, fields);
    }
}

describe('secrets', () => {
  it('never appear in a log line or an API answer through a demo, an alert delivered by mail and webhook, and every GET route', async () => {
    // The demo estate, sent through the ingest token: the last 30 minutes at ×60.
    simulator = spawnLinewatch([
      'simulate',
      '--target',
      base,
      '--token',
      ingest.token,
      '--speed',
      '60',
      '--duration',
      '30m',
      '--flows',
      join(root, 'flows'),
      '--log-level',
      'debug',
    ]);
    // A connector last heard from 10 minutes ago: its silence alert fires and is delivered.
    const sent = await call(
      '/v1/events',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            id: `secrets-${process.pid}`,
            time: new Date(Date.now() - 10 * MIN).toISOString(),
            flow: 'production_confirmation',
            step: 'operation_completed',
            key: 'BRN/MO/SECRETS',
            system: 'scada_legacy',
            plant: 'P02',
          },
        ]),
      },
      ingest.token,
    );
    expect(sent.status).toBeLessThan(300);

    interface Detail {
      id: string;
      deliveries: { channel: string; ok: boolean; error: string | null }[];
    }
    const delivered = await pollUntil(
      async () => {
        const list = (await call('/api/v1/alerts?state=all&rule=secrets_probe_silence')).json() as {
          items: { id: string }[];
        };
        const id = list.items[0]?.id;
        if (!id) return undefined;
        const d = (await call(`/api/v1/alerts/${encodeURIComponent(id)}`)).json() as Detail;
        const ok = (channel: string) => d.deliveries.some((x) => x.channel === channel && x.ok);
        return ok('email') && ok('webhook') ? d : undefined;
      },
      120_000,
      'the alert mailed through SMTP AUTH and posted to the webhook',
    );
    expect(delivered.deliveries.some((x) => x.channel === 'webhook' && !x.ok)).toBe(true);
    expect(smtp.received.at(0)?.user).toBe(SMTP_USER);
    expect(hookHits.length).toBeGreaterThanOrEqual(2);
    expect(hookHits[1]?.headers['linewatch-signature']).toBeDefined();

    // The simulated half hour played out and was correlated.
    expect(await simulator.exited).toBe(0);
    await pollUntil(
      async () => {
        const h = (await call('/api/v1/flow-health?window=2h')).json() as { flows: { volume: number }[] };
        return h.flows.some((f) => f.volume > 0) ? true : undefined;
      },
      60_000,
      'transactions from the simulated estate',
    );

    // A person signs in through the identity provider: the client secret goes into the code exchange.
    const person = new TestBrowser({}, base);
    const signedIn = await person.go('/api/v1/auth/oidc/corp/start?returnTo=/alerts');
    expect(`${signedIn.url.pathname}${signedIn.url.search}`).toBe('/alerts');
    const session = person.cookie(new URL(base).origin, 'lw_session');
    expect(session).toBeDefined();
    const who = await person.request('/api/v1/auth/session');
    const whoText = await who.res.text();
    answers.push({ what: 'GET /api/v1/auth/session (OIDC session)', text: whoText });
    expect(JSON.parse(whoText)).toMatchObject({ principal: { name: 'ops-lead', credential: 'session' } });

    // Every GET route of the OpenAPI document, path parameters filled from the list answers.
    const doc = (await call('/api/openapi.json')).json() as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>
      >;
    };
    const routes = Object.entries(doc.paths)
      .filter(([, ops]) => ops.get !== undefined)
      .map(([path, ops]) => ({ path, params: ops.get?.parameters ?? [] }))
      .sort((a, b) => a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path));
    expect(routes.length).toBeGreaterThan(15);
    const fetched = new Map<string, unknown>();
    const fields = new Map<string, string[]>();
    for (const r of routes) {
      const path = fillPath(r.path.replace(/\{(\w+)\}/g, ':$1'), fetched, fields);
      const required = r.params.filter((p) => p.in === 'query' && p.required);
      const query = new URLSearchParams(
        required.map((p): [string, string] => [p.name, fields.get(p.name)?.[0] ?? 'P01']),
      );
      const res = await call(required.length ? `${path}?${query.toString()}` : path);
      try {
        const json = res.json();
        fetched.set(path, json);
        collectFields(json, fields);
      } catch {
        // Not JSON (metrics, a report file): searched as text all the same.
      }
    }
    // The UI, a wrong credential carrying the admin token, and the admin token as a Basic password.
    await call('/', {}, undefined);
    await call('/api/v1/flows', {}, `${admin.token}x`);
    await call(
      '/api/v1/flows',
      { headers: { authorization: `Basic ${SECRETS['admin token as Basic password']}` } },
      undefined,
    );
    expect(answers.length).toBeGreaterThan(routes.length);

    // Stop both processes so that every line they wrote, shutdown included, is in hand.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const leaks: string[] = [];
    const logs = [
      ...server
        .output()
        .split('\n')
        .map((line) => ({ what: 'linewatch start log', text: line })),
      ...simulator
        .output()
        .split('\n')
        .map((line) => ({ what: 'linewatch simulate log', text: line })),
    ];
    for (const [label, value] of Object.entries(SECRETS)) {
      for (const l of logs) if (l.text.includes(value)) leaks.push(`${label} in the ${l.what}: ${l.text}`);
      for (const a of answers)
        if (a.text.includes(value)) leaks.push(`${label} in the answer to ${a.what}:\n${a.text}`);
    }
    expect(logs.length).toBeGreaterThan(50);
    expect(leaks).toEqual([]);
  }, 420_000);
});
