import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Store } from '@linewatch/store';
import { nextVersion } from './accessStore.ts';

// Cookie sessions of people (m601 `sessions`): the session id and its CSRF token are random 256-bit
// values handed to the browser; only their SHA-256 is stored. A session ends at its absolute expiry,
// after `idleMs` without a request, or at sign-out. Every API process can verify a session: one it
// has not seen is read from the store.

export const SESSION_COOKIE = 'lw_session';

export interface SessionTimeouts {
  /** A session unused this long has ended. */
  idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  absoluteMs: number;
}
export const DEFAULT_TIMEOUTS: SessionTimeouts = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 };

export interface SessionRecord {
  idHash: string;
  principalId: string;
  method: 'password' | 'oidc';
  csrfHash: string;
  address: string;
  userAgent: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  endedAt: number | null;
  version: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The CSRF token of a session, derived from its secret id, so a page reloaded can be given it again
 * (GET /api/v1/auth/session) without storing it; another site can neither read the cookie nor that
 * answer (no CORS).
 */
export function csrfTokenOf(sessionId: string): string {
  return createHash('sha256').update(`linewatch-csrf:${sessionId}`).digest('base64url');
}
const dt = (ms: number) => new Date(ms).toISOString();

interface SessionRow {
  id_hash: string;
  principal_id: string;
  method: string;
  csrf_hash: string;
  address: string;
  user_agent: string;
  created_ms: number;
  last_seen_ms: number;
  expires_ms: number;
  ended_ms: number | null;
  version: string | number;
}

/** Sessions of this process, verified against the store when one is not known here. */
export class SessionStore {
  private readonly known = new Map<string, SessionRecord>();
  constructor(
    private readonly store: Store,
    readonly timeouts: SessionTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  private async save(s: SessionRecord): Promise<void> {
    await this.store.insert('sessions', [
      {
        id_hash: s.idHash,
        principal_id: s.principalId,
        method: s.method,
        csrf_hash: s.csrfHash,
        address: s.address,
        user_agent: s.userAgent.slice(0, 500),
        created_at: dt(s.createdAt),
        last_seen_at: dt(s.lastSeenAt),
        expires_at: dt(s.expiresAt),
        ended_at: s.endedAt === null ? null : dt(s.endedAt),
        version: s.version,
      },
    ]);
    this.known.set(s.idHash, s);
  }

  /** Starts a session; returns the cookie value and the CSRF token (both shown to the browser only). */
  async create(input: {
    principalId: string;
    method: SessionRecord['method'];
    address: string;
    userAgent: string;
    now: number;
  }): Promise<{ id: string; csrfToken: string; record: SessionRecord }> {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = csrfTokenOf(id);
    const record: SessionRecord = {
      idHash: sha256(id),
      principalId: input.principalId,
      method: input.method,
      csrfHash: sha256(csrfToken),
      address: input.address,
      userAgent: input.userAgent,
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt: input.now + this.timeouts.absoluteMs,
      endedAt: null,
      version: nextVersion(input.now),
    };
    await this.save(record);
    return { id, csrfToken, record };
  }

  private async find(idHash: string): Promise<SessionRecord | undefined> {
    const mine = this.known.get(idHash);
    if (mine) return mine;
    const rows = await this.store.query<SessionRow>(sql`
      SELECT id_hash, principal_id, method, csrf_hash, address, user_agent,
        toUnixTimestamp64Milli(created_at) AS created_ms, toUnixTimestamp64Milli(last_seen_at) AS last_seen_ms,
        toUnixTimestamp64Milli(expires_at) AS expires_ms, toUnixTimestamp64Milli(ended_at) AS ended_ms, version
      FROM ${this.store.table('sessions')} FINAL WHERE id_hash = ${idHash} LIMIT 1`);
    const r = rows[0];
    if (!r) return undefined;
    const s: SessionRecord = {
      idHash: r.id_hash,
      principalId: r.principal_id,
      method: r.method === 'oidc' ? 'oidc' : 'password',
      csrfHash: r.csrf_hash,
      address: r.address,
      userAgent: r.user_agent,
      createdAt: Number(r.created_ms),
      lastSeenAt: Number(r.last_seen_ms),
      expiresAt: Number(r.expires_ms),
      endedAt: r.ended_ms === null ? null : Number(r.ended_ms),
      version: Number(r.version),
    };
    this.known.set(idHash, s);
    return s;
  }

  /** The live session of a cookie value at `now` (touching its idle timer), or undefined. */
  async verify(id: string, now: number): Promise<SessionRecord | undefined> {
    if (id.length > 100) return undefined;
    const s = await this.find(sha256(id));
    if (!s || s.endedAt !== null || now >= s.expiresAt || now - s.lastSeenAt >= this.timeouts.idleMs)
      return undefined;
    // The idle timer is kept in memory per process and written at most once a minute.
    const touched = { ...s, lastSeenAt: now };
    if (now - s.lastSeenAt >= 60_000) await this.save({ ...touched, version: nextVersion(now, s.version) });
    else this.known.set(s.idHash, touched);
    return touched;
  }

  /** Whether `token` is the CSRF token of the session. */
  static csrfMatches(s: SessionRecord, token: string | undefined): boolean {
    if (!token) return false;
    const a = Buffer.from(sha256(token), 'hex');
    const b = Buffer.from(s.csrfHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Ends a session (sign-out). */
  async end(s: SessionRecord, now: number): Promise<void> {
    await this.save({ ...s, endedAt: now, version: nextVersion(now, s.version) });
  }

  /** When the session ends if unused from now. */
  idleExpiry(s: SessionRecord): number {
    return Math.min(s.expiresAt, s.lastSeenAt + this.timeouts.idleMs);
  }
}
