import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook } from './signWebhook.ts';
import { verifyWebhookSignature } from './verifyWebhookSignature.ts';

const secret = 'whsec_test_0123456789';
const body = JSON.stringify({ version: 'linewatch/v1', id: 'ntf_1', title: 'MES silent at P02 · ü' });
const t = 1_796_625_330;

describe('signWebhook and verifyWebhookSignature', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 in the t=…,v1=… format', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies a signature it made, from the string or from the raw bytes', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature(secret, header, body, t)).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(body, 'utf8'), t + 299)).toBe(true);
  });

  it('rejects a body changed after signing', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature(secret, header, body.replace('P02', 'P03'), t)).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyWebhookSignature(secret, signWebhook('other', body, t), body, t)).toBe(false);
  });

  it('rejects a timestamp older or newer than the tolerance, even with a valid signature', () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature(secret, header, body, t + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t - 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, t + 1000, 1000)).toBe(true);
  });

  it('rejects a timestamp swapped into a valid signature (the timestamp is signed)', () => {
    const header = signWebhook(secret, body, t).replace(`t=${t}`, `t=${t + 60}`);
    expect(verifyWebhookSignature(secret, header, body, t + 60)).toBe(false);
  });

  it('accepts any matching v1 entry, as during a secret rotation', () => {
    const v1 = (s: string) => signWebhook(s, body, t).split(',')[1];
    expect(verifyWebhookSignature(secret, `t=${t},${v1('old')},${v1(secret)}`, body, t)).toBe(true);
  });

  it('rejects a missing, empty or malformed header', () => {
    for (const header of [
      undefined,
      '',
      'v1=abc',
      `t=${t}`,
      `t=${t},v1=zz`,
      'garbage',
      `t=x,v1=${'0'.repeat(64)}`,
    ])
      expect(verifyWebhookSignature(secret, header, body, t)).toBe(false);
  });
});
