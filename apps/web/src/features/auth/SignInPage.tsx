import { useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { ApiRequestError, describeError } from '../../lib/api.ts';
import { useAuth, type SignInReason } from './AuthProvider.tsx';

const REASON: Record<SignInReason, string | null> = {
  required: null,
  expired: 'Your session has ended. Sign in again to go on where you were.',
  'signed-out': 'You are signed out.',
};

/** "Too many sign-in attempts: try again in 30 s (at 17:02:10)", from a 429 and its Retry-After. */
export function describeSignInError(e: unknown, now: number = Date.now()): string {
  if (!(e instanceof ApiRequestError)) return describeError(e);
  if (e.status === 429 || e.code === 'rate_limited') {
    const wait = e.retryAfterSeconds;
    const when =
      wait === undefined
        ? 'later'
        : `in ${wait} s (at ${new Date(now + wait * 1000).toLocaleTimeString(undefined, { hour12: false })})`;
    return `Too many sign-in attempts: try again ${when}. ${e.message}`;
  }
  if (e.status === 401) return e.message;
  return describeError(e);
}

/** The link that starts an OpenID Connect sign-in and comes back to `returnTo`. */
export function oidcStartHref(id: string, returnTo: string): string {
  return `/api/v1/auth/oidc/${encodeURIComponent(id)}/start?returnTo=${encodeURIComponent(returnTo)}`;
}

/**
 * Sign-in: a username/password form for local users and a button per OpenID Connect provider. It
 * shows in place of the view that asked for it, so after sign-in the same address shows that view.
 */
export function SignInPage() {
  const { providers, signIn, reason } = useAuth();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  // An identity provider's refusal comes back as ?signInError=… (routes/oidc.ts); it is not part of
  // where the person was going.
  const params = new URLSearchParams(location.search);
  const refused = params.get('signInError');
  params.delete('signInError');
  const search = params.toString();
  const [error, setError] = useState<string | null>(refused ? `Sign-in was refused: ${refused}` : null);
  const returnTo = `${location.pathname}${search ? `?${search}` : ''}${location.hash}`;
  // Without the providers (an older server), offer the password form: it is what such a server had.
  const local = providers?.local ?? true;
  const oidc = providers?.oidc ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    // On success this page gives way to the view behind it.
    void signIn(username.trim(), password).then(
      () => setPending(false),
      (err: unknown) => {
        setError(describeSignInError(err));
        setPassword('');
        setPending(false);
      },
    );
  };
  const notice = REASON[reason];
  return (
    <div className="sign-in">
      <section className="card" aria-labelledby="sign-in-h">
        <h1 id="sign-in-h">Sign in to Linewatch</h1>
        {notice ? (
          <p role="status" className="small">
            {notice}
          </p>
        ) : null}
        {providers?.open ? (
          <p className="small muted">
            No sign-in is configured on this server: only a browser on the server itself (loopback) is the
            local admin. Ask an administrator for an account.
          </p>
        ) : null}
        {local ? (
          <form onSubmit={submit} aria-label="Sign in with a username and password">
            <label>
              Username
              <input
                name="username"
                autoComplete="username"
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
              />
            </label>
            <label>
              Password
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <button type="submit" className="primary" disabled={pending}>
              {pending ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        ) : null}
        {error ? (
          <p role="alert" className="error small">
            {error}
          </p>
        ) : null}
        {oidc.length ? (
          <div className="sign-in-oidc">
            {local ? <p className="small muted">or</p> : null}
            {oidc.map((p) => (
              <a key={p.id} className="button" href={oidcStartHref(p.id, returnTo)}>
                Sign in with {p.name}
              </a>
            ))}
          </div>
        ) : null}
        {!local && oidc.length === 0 && !providers?.open ? (
          <p className="small">No sign-in method is configured on this server. Ask an administrator.</p>
        ) : null}
      </section>
    </div>
  );
}
