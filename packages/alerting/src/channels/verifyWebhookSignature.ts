import { timingSafeEqual } from 'node:crypto';
import { webhookSignatureHex } from './signWebhook.ts';

/**
 * Whether a `Linewatch-Signature` header signs `body` (the raw bytes received) with `secret` at a time within
 * `toleranceSec` of `nowSec`. Any of several `v1` entries may match (a sender rotating its secret).
 * @example
 * verifyWebhookSignature(secret, req.headers['linewatch-signature'], rawBody, Math.floor(Date.now() / 1000));
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string | Uint8Array,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  if (!header) return false;
  let t: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (t === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(webhookSignatureHex(secret, body, t), 'hex');
  // Compare every candidate without an early exit, so timing tells nothing about which one matched.
  let ok = false;
  for (const candidate of candidates) ok = timingSafeEqual(candidate, expected) || ok;
  return ok;
}
