import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Scope, TokenConfig } from '@linewatch/schema';

/** Who is calling: the scopes they hold and the plants they may see (empty = all). */
export interface Principal {
  name: string;
  scopes: ReadonlySet<Scope>;
  plants: readonly string[];
}

/** What a route requires; `public` routes (health probes, UI assets) need no token. */
export type RouteScope = Scope | 'public';

const IMPLIED: Record<Scope, Scope[]> = {
  admin: ['admin', 'operate', 'read', 'ingest'],
  operate: ['operate', 'read'],
  read: ['read'],
  ingest: ['ingest'],
};

/** Expands granted scopes with the ones they imply (admin ⊃ all, operate ⊃ read). */
export function expandScopes(scopes: readonly Scope[]): Set<Scope> {
  return new Set(scopes.flatMap((s) => IMPLIED[s]));
}

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
  return { token, entry: { name, hash: hashToken(token, salt), salt, scopes, plants } };
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

/**
 * Verifies bearer tokens against the configured salted hashes. With no tokens configured the
 * server runs only on loopback and the local user is admin (the caller enforces the loopback rule).
 */
export class TokenVerifier {
  private readonly cache = new Map<string, Principal | null>();
  readonly open: boolean;

  constructor(private readonly tokens: readonly TokenConfig[]) {
    this.open = tokens.length === 0;
  }

  /** The principal for an Authorization header value, or undefined if it grants nothing. */
  verify(authorization: string | undefined): Principal | undefined {
    if (this.open) return { name: 'local-admin', scopes: expandScopes(['admin']), plants: [] };
    const token = tokenOf(authorization);
    if (!token) return undefined;
    const cacheKey = createHash('sha256').update(token).digest('hex');
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    let found: Principal | null = null;
    for (const t of this.tokens) {
      const expected = Buffer.from(t.hash, 'hex');
      const actual = Buffer.from(hashToken(token, t.salt), 'hex');
      if (expected.length === actual.length && timingSafeEqual(expected, actual)) {
        found = { name: t.name, scopes: expandScopes(t.scopes), plants: t.plants };
        break;
      }
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(cacheKey, found);
    return found ?? undefined;
  }
}
