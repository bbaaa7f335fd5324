import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { matchClientCertificate } from '@linewatch/collector';
import type { ClientCertificateMapping, TokenConfig } from '@linewatch/schema';
import type { Store } from '@linewatch/store';
import { hashToken, tokenOf } from '../auth.ts';
import {
  loadPrincipals,
  loadTokens,
  saveTokens,
  type PrincipalRecord,
  type TokenRecord,
} from './accessStore.ts';
import { LOCAL_ADMIN, expandScopes, type Principal } from './principal.ts';
import { tokenIdOf, tokenState } from './tokens.ts';

/** What the access control knows at one moment: principals and tokens by id. */
interface Snapshot {
  principals: Map<string, PrincipalRecord>;
  tokens: Map<string, TokenRecord>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The principal of a stored principal record, authenticated by `credential`. */
export function principalFromRecord(
  p: PrincipalRecord,
  credential: Principal['credential'],
  credentialId?: string,
): Principal {
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    scopes: expandScopes(p.scopes),
    plants: p.plants,
    systems: p.systems,
    credential,
    ...(credentialId !== undefined ? { credentialId } : {}),
  };
}

export interface AccessControlOptions {
  staticTokens: readonly TokenConfig[];
  /** Absent: static tokens only (tests, and a process without a store). */
  store?: Store;
  logger?: Logger;
  now?: () => number;
  /** How often the stored principals and tokens are re-read (revocation reaches every process within it). */
  refreshMs?: number;
  /** Verified client certificates (mTLS) and the service accounts they stand for (`auth.clientCertificates`). */
  clientCertificates?: readonly ClientCertificateMapping[];
}

/**
 * Verifies credentials against linewatch.yaml's static tokens and the principals and tokens stored
 * in ClickHouse. Requests are answered from memory: the stored tables are re-read every `refreshMs`
 * and after every change made through this process. A token's secret is checked with scrypt once,
 * then remembered by its SHA-256; whether it is still valid (revoked, expired, principal disabled)
 * is checked against the current snapshot on every request.
 *
 * With no static token and no stored principal, the instance is open: loopback callers are the local
 * admin (the runtime refuses a non-loopback bind then). Once any principal exists, it is closed.
 */
export class AccessControl {
  private snapshot: Snapshot = { principals: new Map(), tokens: new Map() };
  private readonly staticCache = new Map<string, Principal | null>();
  /** SHA-256 of a stored token's string → its id, once its secret was verified. */
  private readonly verifiedTokens = new Map<string, string>();
  /** Token id → when it was last used, not yet written. */
  private readonly used = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: AccessControlOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True while no credential of any kind exists: loopback callers are the local admin. */
  get open(): boolean {
    return this.options.staticTokens.length === 0 && this.snapshot.principals.size === 0;
  }

  /** Reads the stored principals and tokens now. */
  async refresh(): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    this.refreshing ??= (async () => {
      try {
        const [principals, tokens] = await Promise.all([loadPrincipals(store), loadTokens(store)]);
        this.snapshot = {
          principals: new Map(principals.map((p) => [p.id, p])),
          tokens: new Map(tokens.map((t) => [t.id, t])),
        };
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Loads once, then re-reads every `refreshMs` and writes last-used times. */
  async start(): Promise<void> {
    await this.refresh();
    const every = this.options.refreshMs ?? 2000;
    this.timer = setInterval(() => {
      void this.tick().catch((err: unknown) =>
        this.options.logger?.warn({ err }, 'could not refresh principals and tokens; keeping the last ones'),
      );
    }, every);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    await this.flushLastUsed();
    await this.refresh();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushLastUsed().catch(() => undefined);
  }

  /** Writes the last-used time of tokens used since the last flush (at most one row per token and flush). */
  async flushLastUsed(): Promise<void> {
    const store = this.options.store;
    if (!store || this.used.size === 0) return;
    const rows: TokenRecord[] = [];
    for (const [id, at] of this.used) {
      const t = this.snapshot.tokens.get(id);
      if (t && (t.lastUsedAt ?? 0) < at) rows.push({ ...t, lastUsedAt: at, version: t.version + 1 });
    }
    this.used.clear();
    await saveTokens(store, rows);
    for (const r of rows) this.snapshot.tokens.set(r.id, r);
  }

  /** The stored principal by id (current snapshot). */
  principalRecord(id: string): PrincipalRecord | undefined {
    return this.snapshot.principals.get(id);
  }

  /** The stored principals (current snapshot). */
  principalRecords(): PrincipalRecord[] {
    return [...this.snapshot.principals.values()];
  }

  /** The stored tokens (current snapshot). */
  tokenRecords(): TokenRecord[] {
    return [...this.snapshot.tokens.values()];
  }

  /** The principal of a user's stored record, if it may sign in now (sessions re-check on every request). */
  activeUser(id: string): PrincipalRecord | undefined {
    const p = this.snapshot.principals.get(id);
    return p && p.kind === 'user' && !p.disabled ? p : undefined;
  }

  /**
   * The principal for an Authorization header value (Bearer, or Basic with the token as password),
   * or undefined if it grants nothing. Synchronous: the collector's hot path calls it per request.
   */
  verify(authorization: string | undefined, clientCertificateSubject?: string): Principal | undefined {
    if (this.open) return LOCAL_ADMIN;
    const token = tokenOf(authorization);
    // A token, when sent, decides; a verified client certificate stands for its service account.
    if (!token)
      return clientCertificateSubject ? this.verifyCertificate(clientCertificateSubject) : undefined;
    const id = tokenIdOf(token);
    const stored = id !== undefined ? this.snapshot.tokens.get(id) : undefined;
    if (stored) return this.verifyStored(token, stored);
    return this.verifyStatic(token);
  }

  private verifyStored(token: string, t: TokenRecord): Principal | undefined {
    const key = sha256(token);
    if (this.verifiedTokens.get(key) !== t.id) {
      if (!equalHex(t.hash, hashToken(token, t.salt))) return undefined;
      if (this.verifiedTokens.size > 10_000) this.verifiedTokens.clear();
      this.verifiedTokens.set(key, t.id);
    }
    const now = this.now();
    if (tokenState(t, now) !== 'active') return undefined;
    const p = this.snapshot.principals.get(t.principalId);
    if (!p || p.disabled) return undefined;
    this.used.set(t.id, now);
    return principalFromRecord(p, 'token', t.id);
  }

  /**
   * The service account a verified client certificate's subject is mapped to: a stored one (by name
   * or id, not disabled) or a static token's (by name). The listener verified the certificate
   * against its CA; this only maps the subject.
   */
  private verifyCertificate(subject: string): Principal | undefined {
    const mapping = matchClientCertificate(subject, this.options.clientCertificates ?? []);
    if (!mapping) return undefined;
    const stored = [...this.snapshot.principals.values()].find(
      (p) => p.kind === 'service' && (p.id === mapping.principal || p.name === mapping.principal),
    );
    if (stored)
      return stored.disabled ? undefined : principalFromRecord(stored, 'client-certificate', subject);
    const t = this.options.staticTokens.find((x) => x.kind === 'service' && x.name === mapping.principal);
    if (!t) return undefined;
    return {
      id: `static:${t.name}`,
      kind: t.kind,
      name: t.name,
      scopes: expandScopes(t.scopes),
      plants: t.plants,
      systems: t.systems,
      credential: 'client-certificate',
      credentialId: subject,
    };
  }

  private verifyStatic(token: string): Principal | undefined {
    const key = sha256(token);
    const cached = this.staticCache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let found: Principal | null = null;
    for (const t of this.options.staticTokens) {
      if (equalHex(t.hash, hashToken(token, t.salt))) {
        found = {
          id: `static:${t.name}`,
          kind: t.kind,
          name: t.name,
          scopes: expandScopes(t.scopes),
          plants: t.plants,
          systems: t.systems,
          credential: 'static-token',
        };
        break;
      }
    }
    if (this.staticCache.size > 10_000) this.staticCache.clear();
    this.staticCache.set(key, found);
    return found ?? undefined;
  }

  /** Takes a change made through this process into the snapshot at once (the next refresh confirms it). */
  apply(change: { principals?: readonly PrincipalRecord[]; tokens?: readonly TokenRecord[] }): void {
    for (const p of change.principals ?? []) this.snapshot.principals.set(p.id, p);
    for (const t of change.tokens ?? []) this.snapshot.tokens.set(t.id, t);
  }

  /** Forgets a deleted principal at once. */
  forget(principalId: string): void {
    this.snapshot.principals.delete(principalId);
  }
}
