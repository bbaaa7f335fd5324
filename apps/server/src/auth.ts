import { randomBytes, scryptSync } from 'node:crypto';
import type { Scope, TokenConfig } from '@linewatch/schema';

/** What a route requires: a scope; `authenticated` (any principal, e.g. who am I); `public` (health probes, UI assets, sign-in). */
export type RouteScope = Scope | 'authenticated' | 'public';

// scrypt parameters: ~20 ms per check on this machine, amortised by the verified-token cache.
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;

/** Hashes a token with its salt the way `linewatch token create` records it. */
export function hashToken(token: string, saltHex: string): string {
  return scryptSync(token, Buffer.from(saltHex, 'hex'), 32, SCRYPT).toString('hex');
}

/** Creates a new random token and the config entry (salted hash) that grants it. */
export function createToken(
  name: string,
  scopes: Scope[],
  plants: string[],
): { token: string; entry: TokenConfig } {
  const token = `lw_${randomBytes(24).toString('base64url')}`;
  const salt = randomBytes(16).toString('hex');
  return {
    token,
    entry: { name, hash: hashToken(token, salt), salt, scopes, plants, kind: 'service', systems: [] },
  };
}

/**
 * The token in an Authorization header: `Bearer <token>`, or `Basic` with the token as the password
 * (senders that cannot set headers, such as Odoo's webhooks, put it in the URL: https://x:<token>@host/…).
 */
export function tokenOf(authorization: string | undefined): string | undefined {
  const m = /^(Bearer|Basic)\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return undefined;
  if ((m[1] as string).toLowerCase() === 'bearer') return m[2];
  const decoded = Buffer.from(m[2] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]']);

/** True if the host binds only the loopback interface. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}
