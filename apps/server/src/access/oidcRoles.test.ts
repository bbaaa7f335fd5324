import { describe, expect, it } from 'vitest';
import { OidcProviderConfigSchema } from '@linewatch/schema';
import { decideRole, groupsOf, personOf, safeReturnTo, subjectKey } from './oidcRoles.ts';

const provider = OidcProviderConfigSchema.parse({
  id: 'corp',
  name: 'Corp SSO',
  issuer: 'https://login.example.com/realms/plant',
  clientId: 'linewatch',
  roles: [
    { groups: ['lw-admins'], scopes: ['admin'] },
    { groups: ['lyon-support', 'lyon-shift-leads'], scopes: ['operate'], plants: ['P01'] },
    { groups: ['everyone'], scopes: ['read'] },
  ],
});

describe('decideRole', () => {
  it('gives the first role whose group the person has, with its scopes and plants', () => {
    expect(decideRole(provider, { groups: ['lyon-shift-leads'] })).toEqual({
      ok: true,
      scopes: ['operate'],
      plants: ['P01'],
      group: 'lyon-shift-leads',
    });
    expect(decideRole(provider, { groups: ['lw-admins', 'lyon-support'] })).toMatchObject({
      scopes: ['admin'],
      plants: [],
    });
  });

  it('never widens a narrow role listed first with a broad one listed after it', () => {
    // In lyon-support and everyone: operate on P01, not read on every plant as well.
    expect(decideRole(provider, { groups: ['everyone', 'lyon-support'] })).toMatchObject({
      scopes: ['operate'],
      plants: ['P01'],
    });
  });

  it('refuses a person in none of the groups, or without the claim, saying which groups it saw', () => {
    const d = decideRole(provider, { groups: ['finance', 'brno-support'] });
    expect(d).toEqual({
      ok: false,
      reason: 'Corp SSO lists groups brno-support, finance; none of them has a role in Linewatch',
    });
    expect(decideRole(provider, {})).toEqual({
      ok: false,
      reason: 'Corp SSO lists no "groups" claim; none of them has a role in Linewatch',
    });
  });

  it('reads the configured claim', () => {
    const roles = OidcProviderConfigSchema.parse({ ...provider, groupsClaim: 'roles' });
    expect(decideRole(roles, { roles: ['lw-admins'], groups: [] })).toMatchObject({
      ok: true,
      scopes: ['admin'],
    });
    expect(decideRole(roles, { groups: ['lw-admins'] })).toMatchObject({ ok: false });
  });
});

describe('groupsOf', () => {
  it('reads an array of strings, or one string separated by spaces or commas, and nothing else', () => {
    expect(groupsOf({ g: ['a', 'b', 3, ''] }, 'g')).toEqual(['a', 'b']);
    expect(groupsOf({ g: 'a b,c ,  d' }, 'g')).toEqual(['a', 'b', 'c', 'd']);
    expect(groupsOf({ g: { a: true } }, 'g')).toEqual([]);
    expect(groupsOf({ g: 7 }, 'g')).toEqual([]);
  });
});

describe('personOf', () => {
  it('names a person by user name, else e-mail, else subject', () => {
    expect(
      personOf({ sub: 's1', preferred_username: 'mdupont', email: 'm@x.fr', name: 'Marie Dupont' }),
    ).toEqual({
      name: 'mdupont',
      displayName: 'Marie Dupont',
      email: 'm@x.fr',
    });
    expect(personOf({ sub: 's1', email: 'm@x.fr' })).toEqual({
      name: 'm@x.fr',
      displayName: 'm@x.fr',
      email: 'm@x.fr',
    });
    expect(personOf({ sub: 's1', email: 42 })).toEqual({ name: 's1', displayName: 's1', email: '' });
  });

  it('keys a person by provider and subject', () => {
    expect(subjectKey('corp', 'abc')).toBe('corp|abc');
  });
});

describe('safeReturnTo', () => {
  it('keeps a path on this site and turns anything else into /', () => {
    expect(safeReturnTo('/alerts?state=firing#x')).toBe('/alerts?state=firing#x');
    for (const bad of [
      undefined,
      '',
      'alerts',
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example',
      '/a\r\nSet-Cookie: x',
    ])
      expect(safeReturnTo(bad)).toBe('/');
  });
});
