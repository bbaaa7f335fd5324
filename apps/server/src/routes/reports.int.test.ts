import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportDefinitionSchema, ReportListSchema, ReportRecordSchema } from '@linewatch/schema';
import { openTestStore, type TestStore } from '@linewatch/store';
import { loadFlows } from '@linewatch/correlation';
import { createHttpApp } from '../app.ts';
import { createToken } from '../auth.ts';
import { AccessControl } from '../access/verifier.ts';
import { registerReportRoutes } from './reports.ts';

// The report API in-process on real chDB: run a report (operate), list, read, download with the
// right headers; plant-restricted tokens see only their plants' reports and definitions.

const NOW = Date.parse('2026-11-24T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const reader = createToken('reader', ['read'], []);
const p01Reader = createToken('p01', ['read'], ['P01']);
const operator = createToken('operator', ['operate'], []);
const def = (o: object) => ReportDefinitionSchema.parse({ apiVersion: 'linewatch/v1', kind: 'Report', ...o });
const definitions = [
  {
    file: 'reports/p01.yaml',
    definition: def({
      id: 'p01-weekly',
      name: 'P01 weekly',
      scope: { plant: 'P01' },
      formats: ['csv', 'html'],
    }),
  },
  { file: 'reports/all.yaml', definition: def({ id: 'all-weekly', name: 'All weekly', formats: ['html'] }) },
];

let store: TestStore;
let dir: string;
let app: ReturnType<typeof createHttpApp>;

async function call(path: string, token: string, init: RequestInit = {}) {
  return app.app.request(path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
}
const run = (definition: string, token = operator.token) =>
  call('/api/v1/reports/run', token, {
    method: 'POST',
    body: JSON.stringify({ definition, week: '2026-W47' }),
  });

beforeAll(async () => {
  store = await openTestStore();
  dir = mkdtempSync(join(tmpdir(), 'report-api-'));
  const start = Date.parse('2026-11-17T08:00:00Z');
  await store.insert(
    'transactions',
    [
      ['MO/1', 'P01', 'completed'],
      ['MO/2', 'P01', 'late'],
      ['MO/3', 'P02', 'failed'],
    ].map(([key, plant, status], i) => ({
      key,
      flow: 'production_confirmation',
      plant,
      status,
      started_at: iso(start + i * 60_000),
      e2e_ms: 60_000,
      late_by_ms: status === 'late' ? 120_000 : null,
      error_category: status === 'failed' ? 'mes_unreachable' : '',
      updated_at: iso(start),
      version: 1,
      is_deleted: 0,
    })),
  );
  app = createHttpApp({
    logger: pino({ level: 'silent' }),
    access: new AccessControl({ staticTokens: [reader.entry, p01Reader.entry, operator.entry] }),
  });
  registerReportRoutes(app.router, {
    store,
    dir,
    definitions: () => ({ definitions, problems: [] }),
    flows: () => loadFlows('flows').flows.map((f) => f.flow),
    timeZoneOf: (p) => (p === 'P01' ? 'Europe/Paris' : 'UTC'),
    defaultTimeZone: 'UTC',
    uiBaseUrl: 'http://ui',
    now: () => NOW,
  });
});
afterAll(async () => {
  await store.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the report API', () => {
  it('produces a report on demand with the operate scope, and refuses a read token', async () => {
    expect((await run('p01-weekly', reader.token)).status).toBe(403);
    const res = await run('p01-weekly');
    expect(res.status).toBe(201);
    const record = ReportRecordSchema.parse(await res.json());
    expect(record).toMatchObject({
      definition: 'p01-weekly',
      week: '2026-W47',
      trigger: 'manual',
      plant: 'P01',
    });
    expect((await run('all-weekly')).status).toBe(201);
    expect((await run('nope')).status).toBe(404);
  });

  it('lists and reads produced reports; a P01 token sees only P01’s', async () => {
    const all = ReportListSchema.parse(await (await call('/api/v1/reports', reader.token)).json());
    expect(all.items.map((r) => r.definition).sort()).toEqual(['all-weekly', 'p01-weekly']);
    const p01 = ReportListSchema.parse(await (await call('/api/v1/reports', p01Reader.token)).json());
    expect(p01.items.map((r) => r.definition)).toEqual(['p01-weekly']);
    const other = all.items.find((r) => r.definition === 'all-weekly')!;
    expect((await call(`/api/v1/reports/${other.id}`, p01Reader.token)).status).toBe(404);
    expect((await call(`/api/v1/reports/${other.id}`, reader.token)).status).toBe(200);
    expect((await call('/api/v1/reports?plant=P02', p01Reader.token)).status).toBe(403);
  });

  it('downloads each file with its content type, disposition and bytes', async () => {
    const [record] = ReportListSchema.parse(
      await (await call('/api/v1/reports?definition=p01-weekly', reader.token)).json(),
    ).items;
    const csv = record!.files.find((f) => f.name.endsWith('-flows.csv'))!;
    const res = await call(`/api/v1/reports/${record!.id}/files/${csv.name}`, reader.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${csv.name}"`);
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBe(csv.bytes);
    // P01 only: the completed and the late transaction, not P02's failure.
    expect(text).toMatch(/production_confirmation,[^\r\n]*,all,2,0,2,1,1,1,0,0,0/);
    const html = record!.files.find((f) => f.format === 'html')!;
    const preview = await call(
      `/api/v1/reports/${record!.id}/files/${html.name}?disposition=inline`,
      reader.token,
    );
    expect(preview.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(preview.headers.get('content-disposition')).toBe(`inline; filename="${html.name}"`);
    expect(preview.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(
      (await call(`/api/v1/reports/${record!.id}/files/..%2F..%2Fetc%2Fpasswd`, reader.token)).status,
    ).toBe(404);
  });

  it('lists the definitions, restricted to the caller’s plants', async () => {
    const all = (await (await call('/api/v1/report-definitions', reader.token)).json()) as {
      items: unknown[];
    };
    expect(all.items).toHaveLength(2);
    const p01 = (await (await call('/api/v1/report-definitions', p01Reader.token)).json()) as {
      items: { definition: { id: string } }[];
    };
    expect(p01.items.map((d) => d.definition.id)).toEqual(['p01-weekly']);
  });
});
