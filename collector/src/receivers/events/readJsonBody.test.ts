import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan, readJsonBody } from './readJsonBody.ts';

function post(body: NonNullable<RequestInit['body']>, headers: Record<string, string>): Request {
  return new Request('http://collector/v1/events', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  });
}

describe('readJsonBody', () => {
  it('parses a JSON body with a charset parameter', async () => {
    const r = await readJsonBody(post('[1,2]', { 'content-type': 'application/json; charset=utf-8' }), 1000);
    expect(r).toEqual({ ok: true, value: [1, 2], bytes: 5 });
  });

  it('refuses a body that is not declared as JSON with 415', async () => {
    const r = await readJsonBody(post('[1]', { 'content-type': 'text/plain' }), 1000);
    expect(r).toMatchObject({ ok: false, status: 415 });
  });

  it('refuses a body that is not JSON with 400', async () => {
    const r = await readJsonBody(post('[1,', { 'content-type': 'application/json' }), 1000);
    expect(r).toMatchObject({ ok: false, status: 400, code: 'malformed_json' });
  });

  it('refuses with 400 a body nested deeper than the limit (found by the fuzzer: it crashed the Odoo mapping)', async () => {
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(await readJsonBody(post(ok, { 'content-type': 'application/json' }), 1_000_000)).toMatchObject({
      ok: true,
    });
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    expect(await readJsonBody(post(deep, { 'content-type': 'application/json' }), 1_000_000)).toEqual({
      ok: false,
      status: 400,
      code: 'too_deep',
      message: `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });

  it('measures nesting without recursion, counting objects and arrays only', () => {
    expect(nestsDeeperThan({ a: [{ b: 'x' }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: ['x'] }] }, 3)).toBe(true);
    expect(nestsDeeperThan('a string', 0)).toBe(false);
    let v: unknown = 1;
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(nestsDeeperThan(v, 64)).toBe(true);
  });

  it('decompresses gzip bodies', async () => {
    const r = await readJsonBody(
      post(gzipSync('{"events":[]}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      1000,
    );
    expect(r).toMatchObject({ ok: true, value: { events: [] } });
  });

  it('refuses with 413 a body over the limit even when it is streamed without a length', async () => {
    const big = JSON.stringify('x'.repeat(5000));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const r = await readJsonBody(post(stream, { 'content-type': 'application/json' }), 1000);
    expect(r).toMatchObject({ ok: false, status: 413 });
  });

  it('refuses with 413 a small gzip body that inflates beyond the limit', async () => {
    const bomb = gzipSync(JSON.stringify('y'.repeat(100_000)));
    expect(bomb.length).toBeLessThan(1000);
    const r = await readJsonBody(
      post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      1000,
    );
    expect(r).toMatchObject({ ok: false, status: 413 });
  });

  it('refuses a truncated gzip body with 400', async () => {
    const truncated = gzipSync('[1,2,3]').subarray(0, 8);
    const r = await readJsonBody(
      post(truncated, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      1000,
    );
    expect(r).toMatchObject({ ok: false, status: 400 });
  });
});
