import type { Context } from 'hono';
import type { Scope } from '@linewatch/schema';
import type { AppEnv } from '../appEnv.ts';
import { ApiError } from '../errors.ts';

/**
 * What kind of caller a principal is: a person, a service account (connector, middleware runtime,
 * partner, gateway), or the local operator of an instance that has no principal at all yet.
 */
export type PrincipalKind = 'user' | 'service' | 'local';

/** How the caller proved who it is. */
export type Credential = 'token' | 'static-token' | 'session' | 'client-certificate' | 'local';

/** Who is calling: identity, scopes, and the plants (and for service accounts the systems) it may touch. */
export interface Principal {
  /** Stable id: `usr_…`, `svc_…`, `static:<name>` for a linewatch.yaml token, `local-admin`. */
  id: string;
  kind: PrincipalKind;
  /** Shown to people and recorded as the author of acknowledgements, silences and audit rows. */
  name: string;
  scopes: ReadonlySet<Scope>;
  /** The plants it may read and write; empty means every plant. */
  plants: readonly string[];
  /** For service accounts: the systems (`service.name`, event `system`) it may report for; empty means any. */
  systems: readonly string[];
  credential: Credential;
  /** The token (its public id) or session the request came with. */
  credentialId?: string;
}

const IMPLIED: Record<Scope, Scope[]> = {
  admin: ['admin', 'operate', 'read', 'ingest'],
  operate: ['operate', 'read'],
  read: ['read'],
  ingest: ['ingest'],
};

/** Expands granted scopes with the ones they imply (admin ⊃ all, operate ⊃ read). */
export function expandScopes(scopes: readonly Scope[]): Set<Scope> {
  return new Set(scopes.flatMap((s) => IMPLIED[s]));
}

/** The local operator of an instance with no principal: admin, on loopback only. */
export const LOCAL_ADMIN: Principal = Object.freeze({
  id: 'local-admin',
  kind: 'local',
  name: 'local-admin',
  scopes: expandScopes(['admin']),
  plants: [],
  systems: [],
  credential: 'local',
});

/** The authenticated caller of a route (set by the router's scope check). */
export function principalOf(c: Context<AppEnv>): Principal {
  return c.get('principal');
}

/** True if the principal may see or change data of `plant`. */
export function mayAccessPlant(principal: Pick<Principal, 'plants'>, plant: string): boolean {
  return principal.plants.length === 0 || principal.plants.includes(plant);
}

/**
 * The plants the caller's query must be restricted to (empty: all). Every route filters its query by
 * this list; a request for a plant outside it is a 403 rather than an empty answer.
 */
export function plantFilter(c: Context<AppEnv>, asked?: string): readonly string[] {
  const { plants } = principalOf(c);
  if (asked !== undefined && plants.length > 0 && !plants.includes(asked))
    throw new ApiError(403, 'forbidden_plant', `this principal may not access plant "${asked}"`);
  return plants;
}

/** The principal as the API shows it (no credential material). */
export function describePrincipal(p: Principal) {
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    scopes: [...p.scopes].sort(),
    plants: [...p.plants],
    systems: [...p.systems],
    credential: p.credential,
  };
}
