import { describe, expect, it } from 'vitest';
import { createToken, isLoopback } from './auth.ts';
import { expandScopes } from './access/principal.ts';
import { AccessControl } from './access/verifier.ts';

const staticOnly = (...staticTokens: ReturnType<typeof createToken>['entry'][]) =>
  new AccessControl({ staticTokens });

describe('tokens', () => {
  it('verifies a created token by its salted hash and grants exactly its scopes and plants', () => {
    const { token, entry } = createToken('plant-2 viewer', ['read'], ['P02']);
    expect(entry.hash).not.toContain(token);
    const verifier = staticOnly(entry);
    const p = verifier.verify(`Bearer ${token}`);
    expect(p?.name).toBe('plant-2 viewer');
    expect([...(p?.scopes ?? [])]).toEqual(['read']);
    expect(p?.plants).toEqual(['P02']);
    expect(p).toMatchObject({ id: 'static:plant-2 viewer', kind: 'service', credential: 'static-token' });
  });

  it('accepts the token as the Basic password, for senders that can only put it in a URL', () => {
    const { token, entry } = createToken('odoo', ['ingest'], []);
    const verifier = staticOnly(entry);
    const basic = `Basic ${Buffer.from(`odoo:${token}`).toString('base64')}`;
    expect(verifier.verify(basic)?.name).toBe('odoo');
    expect(verifier.verify(`Basic ${Buffer.from(`${token}:`).toString('base64')}`)).toBeUndefined();
  });

  it('refuses a wrong, missing or malformed token', () => {
    const { entry } = createToken('ops', ['operate'], []);
    const verifier = staticOnly(entry);
    expect(verifier.verify('Bearer lw_wrong')).toBeUndefined();
    expect(verifier.verify(undefined)).toBeUndefined();
    expect(verifier.verify('Basic Zm9vOmJhcg==')).toBeUndefined();
    expect(verifier.verify('Digest abc')).toBeUndefined();
  });

  it('treats the local user as admin only when no tokens are configured', () => {
    expect(staticOnly().verify(undefined)?.scopes.has('admin')).toBe(true);
    const { entry } = createToken('x', ['read'], []);
    expect(staticOnly(entry).verify(undefined)).toBeUndefined();
  });

  it('lets admin imply every scope and operate imply read', () => {
    expect([...expandScopes(['admin'])].sort()).toEqual(['admin', 'ingest', 'operate', 'read']);
    expect([...expandScopes(['operate'])].sort()).toEqual(['operate', 'read']);
    expect([...expandScopes(['ingest'])]).toEqual(['ingest']);
  });

  it('knows loopback addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('10.1.2.3')).toBe(false);
  });
});
