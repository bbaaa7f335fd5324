import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '@linewatch/collector';
import { LinewatchConfigSchema } from '@linewatch/schema';
import { sql } from '@linewatch/store';
import { makeTestCertificates } from '../../../../collector/test/fixtures/makeTestCertificates.ts';
import { createToken } from '../auth.ts';
import { accessComponent } from '../components/accessComponent.ts';
import { collectorComponent } from '../components/collectorComponent.ts';
import { grpcTraceExport } from '../../../../collector/test/fixtures/grpcTraceExport.ts';
import { makeSpans } from '../../../../collector/test/fixtures/makeSpans.ts';
import { startLinewatch, type RunningLinewatch } from '../runtime.ts';

// mTLS for plant gateways: the OTLP/HTTP listener asks for a client certificate (optional, so token
// senders still connect), and `auth.clientCertificates` maps a verified subject to a service
// account. The gateway of P02 sends without a token: its events for P02 are kept, one for P01 is
// refused by name; an unmapped certificate and no credential at all get 401; a token still wins.

const dir = mkdtempSync(join(tmpdir(), 'lw-mtls-'));
const file = (name: string) => join(dir, name);
const admin = createToken('ops-admin', ['admin'], []);
const gateway = createToken('gateway-p02', ['ingest'], ['P02']);
let lw: RunningLinewatch;
const serverTls = {
  cert: file('server.pem'),
  key: file('server.key'),
  ca: file('ca.pem'),
  clientCertificates: 'optional' as const,
};

type Who = 'gw-p02' | 'gw-unknown' | 'none';

function post(path: string, body: unknown, as: Who, token?: string, base?: string) {
  const collector = lw.components.find((c) => c.name === 'collector') as unknown as Collector;
  const url = new URL(path, base ?? collector.addresses().otlpHttp);
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: body === undefined ? 'GET' : 'POST',
        ca: readFileSync(file('ca.pem')),
        servername: 'localhost',
        headers: {
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(as === 'none'
          ? {}
          : { cert: readFileSync(file(`${as}.pem`)), key: readFileSync(file(`${as}.key`)) }),
      },
      (res) => {
        let data = '';
        res.on('data', (d: Buffer) => (data += d.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: (data ? JSON.parse(data) : {}) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : text);
  });
}

const event = (id: string, plant: string) => ({
  id,
  time: new Date().toISOString(),
  flow: 'production_confirmation',
  step: 'operation_completed',
  key: `MO/${id}`,
  system: 'mes',
  plant,
});

beforeAll(async () => {
  makeTestCertificates(dir, {
    servers: ['server'],
    clients: { 'gw-p02': '/CN=gw-p02/O=Plant 2', 'gw-unknown': '/CN=gw-unknown' },
  });
  lw = await startLinewatch({
    config: LinewatchConfigSchema.parse({
      roles: ['api', 'collector'],
      server: { port: 0, tls: serverTls },
      store: {
        dataDir: process.env.LINEWATCH_TEST_DATA_DIR,
        database: `test_${randomBytes(6).toString('hex')}`,
        maxMemoryBytes: 3 * 1024 ** 3,
      },
      auth: {
        tokens: [admin.entry, gateway.entry],
        clientCertificates: [{ subject: 'CN=gw-p02', principal: 'gateway-p02' }],
      },
      collector: {
        otlpHttp: { port: 0, tls: serverTls },
        otlpGrpc: { port: 0, tls: serverTls },
        spool: { dir: mkdtempSync(join(tmpdir(), 'lw-mtls-spool-')) },
      },
    }),
    logger: pino({ level: 'silent' }),
    components: [accessComponent, collectorComponent],
  });
}, 60_000);
afterAll(async () => {
  if (!lw) return;
  await lw.store.command(sql`DROP DATABASE IF EXISTS ${sql.id(lw.store.database)} SYNC`);
  await lw.stop();
});

/** OTLP/gRPC over TLS, with the client certificate of `as` (or none). */
function grpcExport(address: string, body: Buffer, as: Who): Promise<grpc.ServiceError | null> {
  const ca = readFileSync(file('ca.pem'));
  const credentials =
    as === 'none'
      ? grpc.credentials.createSsl(ca)
      : grpc.credentials.createSsl(ca, readFileSync(file(`${as}.key`)), readFileSync(file(`${as}.pem`)));
  return grpcTraceExport(address, body, { credentials, serverName: 'localhost' });
}

describe('client certificates of plant gateways', () => {
  it('authenticate a gateway as the service account its subject is mapped to, with its plants', async () => {
    const res = await post('/v1/events', [event('mtls-1', 'P02'), event('mtls-2', 'P01')], 'gw-p02');
    expect(res.status).toBe(200);
    expect(res.json.accepted).toBe(1);
    expect(res.json.rejected).toEqual([
      expect.objectContaining({ index: 1, field: 'plant', message: expect.stringMatching(/P01/) as unknown }),
    ]);
  });

  it('refuse an unmapped certificate and a connection without any credential', async () => {
    expect((await post('/v1/events', [event('mtls-3', 'P02')], 'gw-unknown')).status).toBe(401);
    expect((await post('/v1/events', [event('mtls-4', 'P02')], 'none')).status).toBe(401);
  });

  it('let a token decide when one is sent, certificate or not', async () => {
    const withToken = await post('/v1/events', [event('mtls-5', 'P01')], 'gw-p02', admin.token);
    expect(withToken).toMatchObject({ status: 200, json: { accepted: 1 } });
    expect((await post('/v1/events', [event('mtls-6', 'P01')], 'gw-p02', 'lw_not_a_token')).status).toBe(401);
  });

  it('authenticate on the API port over HTTPS too, and on OTLP/gRPC', async () => {
    expect(lw.apiUrl).toMatch(/^https:\/\//);
    const who = await post('/api/v1/whoami', undefined, 'gw-p02', undefined, lw.apiUrl);
    expect(who).toMatchObject({
      status: 200,
      json: { id: 'static:gateway-p02', kind: 'service', plants: ['P02'], credential: 'client-certificate' },
    });
    expect((await post('/api/v1/whoami', undefined, 'none', undefined, lw.apiUrl)).status).toBe(401);
    // The ingest routes the API port forwards see the certificate as well.
    const forwarded = await post('/v1/events', [event('mtls-7', 'P02')], 'gw-p02', undefined, lw.apiUrl);
    expect(forwarded).toMatchObject({ status: 200, json: { accepted: 1 } });

    const collector = lw.components.find((c) => c.name === 'collector') as unknown as Collector;
    const grpcAddress = collector.addresses().otlpGrpc as string;
    const spans = Buffer.from(ProtobufTraceSerializer.serializeRequest(makeSpans(2, { service: 'mes' }))!);
    expect(await grpcExport(grpcAddress, spans, 'gw-p02')).toBeNull();
    expect((await grpcExport(grpcAddress, spans, 'none'))?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await grpcExport(grpcAddress, spans, 'gw-unknown'))?.code).toBe(grpc.status.UNAUTHENTICATED);
  });
});
