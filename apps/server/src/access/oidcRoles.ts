import type { OidcProviderConfig, Scope } from '@linewatch/schema';

// What a person signing in with OpenID Connect may do, from the claims the identity provider vouches
// for: the first role whose group they are in decides their scopes and plants (so a broad role
// listed after a narrow one never widens it), and the person's name and e-mail for the audit trail.
// Pure, so every case is a unit test; the sign-in route applies it at every sign-in, which keeps
// the identity provider the source of truth (a person removed from a group loses the role at the
// next sign-in, and at once when an admin disables the user here).

/** Claims of the ID token merged with the userinfo answer. */
export type OidcClaims = Record<string, unknown>;

export type RoleDecision =
  { ok: true; scopes: Scope[]; plants: string[]; group: string } | { ok: false; reason: string };

/**
 * The groups a claim lists: an array of strings (Keycloak, Entra ID, Okta), or one string separated
 * by spaces or commas (some providers and proxies flatten it). Anything else lists no group.
 */
export function groupsOf(claims: OidcClaims, claim: string): string[] {
  const v = claims[claim];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string' && g.length > 0);
  if (typeof v === 'string')
    return v
      .split(/[\s,]+/)
      .map((g) => g.trim())
      .filter(Boolean);
  return [];
}

/** The role of a person with these claims at this provider, or why they may not sign in. */
export function decideRole(provider: OidcProviderConfig, claims: OidcClaims): RoleDecision {
  const groups = new Set(groupsOf(claims, provider.groupsClaim));
  for (const role of provider.roles) {
    const group = role.groups.find((g) => groups.has(g));
    if (group !== undefined) return { ok: true, scopes: [...role.scopes], plants: [...role.plants], group };
  }
  const listed = groups.size
    ? `groups ${[...groups].sort().join(', ')}`
    : `no "${provider.groupsClaim}" claim`;
  return {
    ok: false,
    reason: `${provider.name} lists ${listed}; none of them has a role in Linewatch`,
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** The name a person is shown and audited by: their user name, else e-mail, else the subject. */
export function personOf(claims: OidcClaims): { name: string; displayName: string; email: string } {
  const email = text(claims.email) ?? '';
  const name = text(claims.preferred_username) ?? (email || (text(claims.sub) ?? 'unknown'));
  const displayName = text(claims.name) ?? name;
  return { name: name.slice(0, 200), displayName: displayName.slice(0, 200), email: email.slice(0, 320) };
}

/** The stored key of a person from a provider: `<provider id>|<sub>`, unique across providers. */
export function subjectKey(providerId: string, sub: string): string {
  return `${providerId}|${sub}`;
}

/**
 * Where to go after sign-in: a path on this site only (`/alerts?x=1`), never another origin
 * (`//evil.example`, `https://…`, `/\\evil`), which would make the callback an open redirect.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  if (/[\r\n]/.test(value) || value.length > 2000) return '/';
  return value;
}
