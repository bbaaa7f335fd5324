import { randomBytes } from 'node:crypto';
import { hashToken } from '../auth.ts';
import type { TokenRecord } from './accessStore.ts';

// Stored tokens look like `lw_<id>_<secret>`: the id (12 lowercase letters and digits) is public and
// names the token in lists, logs and the audit trail, so a leaked token can be identified and revoked
// without anyone handling its secret; the secret is 32 base64url characters (192 bits).

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_RE = /^lw_([a-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

/** A new random token id. */
export function newTokenId(): string {
  const bytes = randomBytes(12);
  return [...bytes].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

/** The public id of a stored-token string, or undefined for anything else (such as a static token). */
export function tokenIdOf(token: string): string | undefined {
  return TOKEN_RE.exec(token)?.[1];
}

/** A new token's secret string and its salted hash (what is stored). */
export function mintToken(id = newTokenId()): { id: string; token: string; hash: string; salt: string } {
  const token = `lw_${id}_${randomBytes(24).toString('base64url')}`;
  const salt = randomBytes(16).toString('hex');
  return { id, token, hash: hashToken(token, salt), salt };
}

/** Whether a stored token grants anything at `now`. */
export function tokenState(t: Pick<TokenRecord, 'expiresAt' | 'revokedAt'>, now: number) {
  if (t.revokedAt !== null && t.revokedAt <= now) return 'revoked' as const;
  if (t.expiresAt !== null && t.expiresAt <= now) return 'expired' as const;
  return 'active' as const;
}
