import { createHmac } from 'node:crypto';

/** Hex HMAC-SHA256 of `<t>.<body>`: what `v1` of `Linewatch-Signature` carries. */
export function webhookSignatureHex(secret: string, body: string | Uint8Array, timestampSec: number): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex');
}

/**
 * The `Linewatch-Signature` header value for a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Signing the timestamp with the body lets a receiver reject replays (Stripe's scheme).
 * @example
 * signWebhook(secret, body, Math.floor(Date.now() / 1000)); // 't=1796625330,v1=5f2b…'
 */
export function signWebhook(secret: string, body: string, timestampSec: number): string {
  const t = Math.floor(timestampSec);
  return `t=${t},v1=${webhookSignatureHex(secret, body, t)}`;
}
