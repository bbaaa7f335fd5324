import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import type { ClientCertificateMapping } from '@linewatch/schema';
import { distinguishedName, parseDistinguishedName } from './distinguishedName.ts';

/** What a grpc-js server call offers (grpc-js ≥ 1.10: `getAuthContext()`; its AuthContext type is not exported). */
export interface GrpcCallWithAuthContext {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate | undefined } | null;
}

/** A client certificate the listener verified against its `ca`. */
export interface ClientCertificate {
  /** RFC 4514 subject, most specific first: `CN=gw-p02,O=Plant 2,C=DE`. */
  subject: string;
  /** The subject's common name, when it has one. */
  commonName: string | undefined;
  serialNumber: string;
  fingerprint256: string;
}

/**
 * The verified client certificate of a TLS socket, or undefined (plain TCP, no certificate, or one
 * the listener's CA did not verify: `clientCertificates: optional` lets those connect).
 */
export function clientCertificateOfSocket(socket: Socket | undefined): ClientCertificate | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  return fromPeer(socket.getPeerCertificate());
}

/** The verified client certificate of a Node request (HTTPS listener), or undefined. */
export function clientCertificateOfRequest(req: IncomingMessage): ClientCertificate | undefined {
  return clientCertificateOfSocket(req.socket);
}

/**
 * The verified client certificate of a Hono request served by @hono/node-server, or undefined
 * (also when the request did not come through a Node listener, e.g. `app.request()` in tests, or
 * was forwarded with `app.fetch(req)` without passing `c.env` on).
 * @example const cert = clientCertificate(c); if (cert) principal = lookup(cert.subject);
 */
export function clientCertificate(c: Pick<Context, 'env'>): ClientCertificate | undefined {
  const env = c.env as Partial<HttpBindings> | undefined;
  const incoming = env?.incoming;
  return incoming?.socket ? clientCertificateOfSocket(incoming.socket) : undefined;
}

/**
 * The RFC 4514 subject of the request's verified client certificate, or undefined.
 * @example const subject = clientCertificateSubject(c); // 'CN=gw-p02,O=Plant 2'
 */
export function clientCertificateSubject(c: Pick<Context, 'env'>): string | undefined {
  return clientCertificate(c)?.subject;
}

/** The verified client certificate of an OTLP/gRPC call (grpc-js reports only verified peers), or undefined. */
export function grpcClientCertificate(call: GrpcCallWithAuthContext): ClientCertificate | undefined {
  const peer = call.getAuthContext()?.sslPeerCertificate;
  return peer ? fromPeer(peer) : undefined;
}

/**
 * The RFC 4514 subject of a gRPC call's verified client certificate, or undefined.
 * @example const subject = grpcClientCertificateSubject(call);
 */
export function grpcClientCertificateSubject(call: GrpcCallWithAuthContext): string | undefined {
  return grpcClientCertificate(call)?.subject;
}

/**
 * The `auth.clientCertificates` entry a verified subject matches, or undefined: an entry of only
 * `CN=…` matches any subject with that common name, a longer one the whole subject (attribute types
 * case-insensitive, spaces around separators ignored, values exact).
 * @example matchClientCertificate('CN=gw-p02,O=Plant 2', [{ subject: 'CN=gw-p02', principal: 'gateway-p02' }])
 */
export function matchClientCertificate(
  subject: string,
  mappings: readonly ClientCertificateMapping[],
): ClientCertificateMapping | undefined {
  const actual = parseDistinguishedName(subject);
  const cn = actual.find(([type]) => type === 'CN')?.[1];
  const full = actual.map(([t, v]) => `${t}=${v}`).join(',');
  return mappings.find((m) => {
    const wanted = parseDistinguishedName(m.subject);
    const only = wanted.length === 1 ? wanted[0] : undefined;
    if (only && only[0] === 'CN') return cn !== undefined && only[1] === cn;
    return wanted.map(([t, v]) => `${t}=${v}`).join(',') === full;
  });
}

function fromPeer(peer: PeerCertificate): ClientCertificate | undefined {
  // getPeerCertificate() answers {} without a certificate; the raw DER keeps the subject's order.
  if (!peer.raw?.length) return undefined;
  const x509 = new X509Certificate(peer.raw);
  const subject = distinguishedName(x509);
  return {
    subject,
    commonName: parseDistinguishedName(subject).find(([type]) => type === 'CN')?.[1],
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
  };
}
