import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, sql, type TestStore } from '@linewatch/store';
import { warnIfPlaintext } from '../src/tls/warnIfPlaintext.ts';
import { grpcTraceExport } from './fixtures/grpcTraceExport.ts';
import { makeSpans } from './fixtures/makeSpans.ts';
import { makeTestCertificates } from './fixtures/makeTestCertificates.ts';
import { startTestCollector, type TestCollector } from './fixtures/startTestCollector.ts';

// TLS on the OTLP/HTTP and OTLP/gRPC listeners, with certificates made by openssl for the test: a
// CA, two server certificates it signed (for a rotation) and a client certificate for mTLS. Spans
// are sent over HTTPS and gRPC-over-TLS and stored; a certificate replaced on disk (by rename, as
// cert-manager does) serves new connections without a restart; a bad replacement leaves the good
// one serving; a listener that asks for client certificates refuses a client without one.

const dir = mkdtempSync(join(tmpdir(), 'lw-tls-'));
const file = (name: string) => join(dir, name);
function makeCertificates(): void {
  makeTestCertificates(dir, {
    servers: ['server-a', 'server-b'],
    clients: { client: '/CN=gw-p02/O=Plant 2' },
  });
}

/** Puts a certificate and key in place the way cert-manager and `mv` do: written aside, renamed over. */
function install(cert: Buffer | string, key: Buffer | string, as: string): void {
  writeFileSync(file(`${as}.pem.tmp`), cert);
  writeFileSync(file(`${as}.key.tmp`), key);
  renameSync(file(`${as}.key.tmp`), file(`${as}.key`));
  renameSync(file(`${as}.pem.tmp`), file(`${as}.pem`));
}

let store: TestStore;
let c: TestCollector;
/** The TLS collector's log lines. */
const logLines: string[] = [];
let mtls: TestCollector;
const ca = () => readFileSync(file('ca.pem'));
const fingerprint = (name: string) => new X509Certificate(readFileSync(file(`${name}.pem`))).fingerprint256;

/** The certificate a new TLS connection to `port` is served (trusting the test CA). */
function servedCertificate(port: number, withClient = false): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: ca(),
      servername: 'localhost',
      ...(withClient
        ? { cert: readFileSync(file('client.pem')), key: readFileSync(file('client.key')) }
        : {}),
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.once('error', reject);
  });
}

async function servedFingerprint(port: number): Promise<string> {
  return (await servedCertificate(port)).fingerprint256;
}

/** Waits for the file watch to apply a change: a condition polled, not a fixed sleep. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function postHttps(url: string, body: Uint8Array, client = false): Promise<{ status: number }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        ca: ca(),
        servername: 'localhost',
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        ...(client ? { cert: readFileSync(file('client.pem')), key: readFileSync(file('client.key')) } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** OTLP/gRPC over TLS, trusting the test CA. */
const grpcTLS = (address: string, body: Uint8Array) =>
  grpcTraceExport(address, body, { credentials: grpc.credentials.createSsl(ca()), serverName: 'localhost' });

const portOf = (url: string) => Number(new URL(url.includes('://') ? url : `x://${url}`).port);
const tls = { cert: file('listener.pem'), key: file('listener.key') };

beforeAll(async () => {
  makeCertificates();
  install(readFileSync(file('server-a.pem')), readFileSync(file('server-a.key')), 'listener');
  store = await openTestStore();
  c = await startTestCollector(
    store,
    { otlpHttp: { port: 0, tls }, otlpGrpc: { port: 0, tls } },
    undefined,
    pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
  );
  mtls = await startTestCollector(store, {
    otlpHttp: {
      port: 0,
      tls: {
        cert: file('server-a.pem'),
        key: file('server-a.key'),
        ca: file('ca.pem'),
        clientCertificates: 'required',
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await c?.collector.stop();
  await mtls?.collector.stop();
  await store?.drop();
});

describe('TLS on the OTLP listeners', () => {
  it('takes spans over HTTPS and gRPC over TLS, and stores them', async () => {
    expect(c.http).toMatch(/^https:\/\//);
    const http = await postHttps(
      `${c.http}/v1/traces`,
      ProtobufTraceSerializer.serializeRequest(makeSpans(3, { service: 'tls-http' }))!,
    );
    expect(http.status).toBe(200);
    expect(
      await grpcTLS(c.grpc, ProtobufTraceSerializer.serializeRequest(makeSpans(2, { service: 'tls-grpc' }))!),
    ).toBeNull();
    expect(await c.collector.pipeline.flush(20_000)).toBe(true);
    const rows = await store.query<{ s: string; n: number }>(
      sql`SELECT ServiceName AS s, count() AS n FROM ${store.table('otel_traces')} WHERE ServiceName IN ('tls-http', 'tls-grpc') GROUP BY s ORDER BY s`,
    );
    expect(rows).toEqual([
      { s: 'tls-grpc', n: 2 },
      { s: 'tls-http', n: 3 },
    ]);
  });

  it('serves a certificate replaced on disk to new connections, without a restart, on both listeners', async () => {
    const http = portOf(c.http);
    const grpcPort = portOf(c.grpc);
    expect(await servedFingerprint(http)).toBe(fingerprint('server-a'));
    expect(await servedFingerprint(grpcPort)).toBe(fingerprint('server-a'));
    install(readFileSync(file('server-b.pem')), readFileSync(file('server-b.key')), 'listener');
    const want = fingerprint('server-b');
    await until('the HTTPS listener to serve server-b', async () =>
      (await servedFingerprint(http)) === want ? true : undefined,
    );
    await until('the gRPC listener to serve server-b', async () =>
      (await servedFingerprint(grpcPort)) === want ? true : undefined,
    );
    // And it still takes data with the new certificate.
    expect(
      await grpcTLS(
        c.grpc,
        ProtobufTraceSerializer.serializeRequest(makeSpans(1, { service: 'tls-after' }))!,
      ),
    ).toBeNull();
  });

  it('keeps the last good certificate serving when the replacement is not usable', async () => {
    const http = portOf(c.http);
    const before = await servedFingerprint(http);
    // A key that does not belong to the certificate.
    const seen = logLines.length;
    install(readFileSync(file('server-a.pem')), readFileSync(file('server-b.key')), 'listener');
    const refusals = await until('both listeners to refuse the bad files', () => {
      const found = logLines.slice(seen).filter((l) => l.includes('the new TLS files are not usable'));
      return Promise.resolve(found.length >= 2 ? found : undefined);
    });
    expect(refusals.map((l) => (JSON.parse(l) as { listener: string }).listener).sort()).toEqual([
      'otlp-grpc',
      'otlp-http',
    ]);
    expect(await servedFingerprint(http)).toBe(before);
    expect(await servedFingerprint(portOf(c.grpc))).toBe(before);
    install(readFileSync(file('server-a.pem')), readFileSync(file('server-a.key')), 'listener');
    await until('the good replacement', async () =>
      (await servedFingerprint(http)) === fingerprint('server-a') ? true : undefined,
    );
  });

  it('refuses a client without a certificate in the handshake when client certificates are required, and takes one signed by the CA', async () => {
    const port = portOf(mtls.http);
    await expect(
      postHttps(`${mtls.http}/v1/traces`, ProtobufTraceSerializer.serializeRequest(makeSpans(1))!),
    ).rejects.toThrow();
    const served = await servedCertificate(port, true);
    expect(served.subject.CN).toBe('server-a');
    const ok = await postHttps(
      `${mtls.http}/v1/traces`,
      ProtobufTraceSerializer.serializeRequest(makeSpans(1, { service: 'tls-mtls' }))!,
      true,
    );
    expect(ok.status).toBe(200);
  });
});

describe('a plaintext listener beyond loopback', () => {
  it('logs a warning naming the listener, and none on loopback or with TLS', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    warnIfPlaintext(logger, 'otlp-http', '0.0.0.0', 4318, undefined);
    warnIfPlaintext(logger, 'api', '127.0.0.1', 8080, undefined);
    warnIfPlaintext(logger, 'otlp-grpc', '0.0.0.0', 4317, { cert: 'c', key: 'k', clientCertificates: 'off' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, listener: 'otlp-http' });
    expect(lines[0]).toMatch(/0\.0\.0\.0/);
  });
});
