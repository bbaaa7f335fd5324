import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Local users' passwords: node's scrypt (RFC 7914) with a random 16-byte salt, stored as
// `scrypt$N$r$p$<saltHex>$<hashHex>` so the cost can be raised later without breaking old hashes.
// N = 2^15, r = 8 is OWASP's minimum for scrypt; about 60 ms per check here, which sign-in's rate
// limit makes the brute-force bound.

const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const MIN_LENGTH = 12;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...o, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_LENGTH) return `must be at least ${MIN_LENGTH} characters`;
  if (password.length > 1024) return 'must be at most 1024 characters';
  return undefined;
}

/** The stored form of a password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('hex')}$${key.toString('hex')}`;
}

/** Whether `password` matches a stored hash (false for an empty or malformed hash). */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([0-9a-f]{32})\$([0-9a-f]{64})$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N > 2 ** 20 || r > 32 || p > 16) return false;
  const key = await derive(password, Buffer.from(m[4]!, 'hex'), { N, r, p });
  return timingSafeEqual(key, Buffer.from(m[5]!, 'hex'));
}

/** A hash that matches no password, to spend the same time on an unknown user name as on a known one. */
export const NO_USER_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$${'0'.repeat(32)}$${'0'.repeat(64)}`;
