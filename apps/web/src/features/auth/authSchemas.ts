import { array, bool, nullable, object, schemaOf, str, text } from '../../lib/shape.ts';

/** How one can sign in: GET /api/v1/auth/providers (public). */
export interface AuthProviders {
  /** Local users with a password. */
  local: boolean;
  /** OpenID Connect providers, each signed in through /api/v1/auth/oidc/<id>/start. */
  oidc: { id: string; name: string }[];
  /** No principal exists: a loopback caller is the local admin, no sign-in. */
  open: boolean;
}

/** Who is calling, as the API shows it (no credential material). */
export interface SessionPrincipal {
  id: string;
  /** `user`, `service` or `local`. */
  kind: string;
  name: string;
  scopes: string[];
  /** Empty: every plant. */
  plants: string[];
  systems: string[];
  credential: string;
}

/** A session: POST /api/v1/auth/login and GET /api/v1/auth/session. */
export interface AuthSession {
  principal: SessionPrincipal;
  /** Sent as X-CSRF-Token with every state-changing request; null for a caller without a cookie. */
  csrfToken: string | null;
  expiresAt: string | null;
  idleExpiresAt: string | null;
}

export const AuthProvidersSchema = schemaOf<AuthProviders>(
  object({
    local: bool,
    oidc: array(object<{ id: string; name: string }>({ id: str, name: str })),
    open: bool,
  }),
);

export const AuthSessionSchema = schemaOf<AuthSession>(
  object<AuthSession>({
    principal: object<SessionPrincipal>({
      id: str,
      kind: str,
      name: str,
      scopes: array(str),
      plants: array(str),
      systems: (v, p) => (v === undefined ? [] : array(str)(v, p)),
      credential: text,
    }),
    csrfToken: nullable(str),
    expiresAt: nullable(str),
    idleExpiresAt: nullable(str),
  }),
);

/** The principal of an instance without any principal: the loopback operator, admin of everything. */
export const LOCAL_ADMIN: SessionPrincipal = {
  id: 'local-admin',
  kind: 'local',
  name: 'local admin',
  scopes: ['admin', 'ingest', 'operate', 'read'],
  plants: [],
  systems: [],
  credential: 'local',
};
