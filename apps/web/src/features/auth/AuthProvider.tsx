import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  apiGet,
  apiPost,
  apiPostNoContent,
  ApiRequestError,
  onUnauthorized,
  setCsrfToken,
} from '../../lib/api.ts';
import {
  AuthProvidersSchema,
  AuthSessionSchema,
  LOCAL_ADMIN,
  type AuthProviders,
  type AuthSession,
  type SessionPrincipal,
} from './authSchemas.ts';

const PROVIDERS_KEY = ['/api/v1/auth/providers'] as const;
const SESSION_KEY = ['/api/v1/auth/session'] as const;

/** Where the app stands with sign-in. */
export type AuthStatus =
  /** Reading the providers and the session. */
  | 'loading'
  /** No principal exists on the server: the loopback operator is the local admin. */
  | 'open'
  | 'signed-in'
  | 'signed-out'
  /** The server has no sign-in routes (an older server): the app runs as before, nobody shown. */
  | 'unknown';

/** Why the sign-in page shows: nobody signed in yet, the session ended (a 401), or the user signed out. */
export type SignInReason = 'required' | 'expired' | 'signed-out';

interface AuthState {
  status: AuthStatus;
  /** The signed-in principal (the local admin when open); null otherwise. */
  principal: SessionPrincipal | null;
  session: AuthSession | null;
  /** null while loading or when the server has no /auth/providers. */
  providers: AuthProviders | null;
  reason: SignInReason;
  /** Signs in with a local user; throws the ApiRequestError (invalid_credentials, rate_limited). */
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** Every cached answer but the sign-in ones: what a different principal may not see. */
function forgetData(client: QueryClient): void {
  client.removeQueries({
    predicate: (q) => !(typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith('/api/v1/auth/')),
  });
}

async function readSession(signal: AbortSignal): Promise<AuthSession | null> {
  try {
    const session = await apiGet('/api/v1/auth/session', AuthSessionSchema, undefined, signal);
    setCsrfToken(session.csrfToken);
    return session;
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

/**
 * Sign-in state for the whole app: the server's sign-in methods, the cookie session (read again after
 * a reload, with its CSRF token kept in memory only), and the switch to the sign-in page on any 401.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [reason, setReason] = useState<SignInReason | null>(null);
  const providersQ = useQuery({
    queryKey: PROVIDERS_KEY,
    queryFn: ({ signal }) => apiGet('/api/v1/auth/providers', AuthProvidersSchema, undefined, signal),
    staleTime: Infinity,
  });
  const providers = providersQ.data ?? null;
  // An open instance has no sessions to read: asking would only answer 401.
  const sessionQ = useQuery({
    queryKey: SESSION_KEY,
    queryFn: ({ signal }) => readSession(signal),
    enabled: providers !== null && !providers.open,
    staleTime: Infinity,
  });

  useEffect(
    () =>
      onUnauthorized(() => {
        setReason((r) => r ?? 'expired');
        setCsrfToken(null);
        client.setQueryData(SESSION_KEY, null);
        // An instance that was open has its first principal now: it wants a sign-in from here on.
        void client.invalidateQueries({ queryKey: PROVIDERS_KEY });
      }),
    [client],
  );

  const signIn = useCallback(
    async (username: string, password: string) => {
      const session = await apiPost('/api/v1/auth/login', { username, password }, AuthSessionSchema);
      setCsrfToken(session.csrfToken);
      forgetData(client);
      client.setQueryData(SESSION_KEY, session);
      setReason(null);
    },
    [client],
  );

  const signOut = useCallback(async () => {
    try {
      await apiPostNoContent('/api/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      forgetData(client);
      client.setQueryData(SESSION_KEY, null);
      setReason('signed-out');
    }
  }, [client]);

  const value = useMemo<AuthState>(() => {
    const session = sessionQ.data ?? null;
    const base = { providers, signIn, signOut, reason: reason ?? 'required' } as const;
    let status: AuthStatus;
    let principal: SessionPrincipal | null = null;
    if (providersQ.isPending) status = 'loading';
    else if (providers === null) status = reason ? 'signed-out' : 'unknown';
    else if (providers.open && !reason) {
      status = 'open';
      principal = LOCAL_ADMIN;
    } else if (session) {
      status = 'signed-in';
      principal = session.principal;
    } else if (sessionQ.isPending && sessionQ.fetchStatus !== 'idle') status = 'loading';
    // The session could not be read (not a 401): run the app; its own calls say what fails, and a
    // 401 among them still brings the sign-in page.
    else if (sessionQ.isError) status = 'unknown';
    else status = 'signed-out';
    return { ...base, status, principal, session };
  }, [
    providers,
    providersQ.isPending,
    sessionQ.data,
    sessionQ.isPending,
    sessionQ.fetchStatus,
    sessionQ.isError,
    reason,
    signIn,
    signOut,
  ]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The sign-in state and actions (inside AuthProvider). */
export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

/** True if the principal holds the admin scope (the Audit view and admin routes). */
export function isAdmin(principal: SessionPrincipal | null): boolean {
  return principal?.scopes.includes('admin') ?? false;
}
