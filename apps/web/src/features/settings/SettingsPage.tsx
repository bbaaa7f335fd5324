import { formatTime } from '../../lib/format.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { describeAccess, UserMenu } from '../auth/UserMenu.tsx';

/** Settings: who this browser is signed in as, and how; nothing secret is stored in the browser. */
export default function SettingsPage() {
  const { status, principal, session } = useAuth();
  return (
    <>
      <h1>Settings</h1>
      <section className="card" style={{ maxWidth: '40rem' }} aria-labelledby="access-h">
        <h2 id="access-h">Signed in as</h2>
        {status === 'open' ? (
          <p>
            Local admin: this server has no user or service account yet, so a browser on the server itself is
            the administrator without signing in. Once a principal exists (<code>linewatch token create</code>
            , or a user), everyone signs in.
          </p>
        ) : principal ? (
          <>
            <dl className="facts">
              <dt>Name</dt>
              <dd>
                {principal.name} <span className="muted small">({principal.id})</span>
              </dd>
              <dt>Kind</dt>
              <dd>{principal.kind}</dd>
              <dt>Access</dt>
              <dd>{describeAccess(principal)}</dd>
              {session?.idleExpiresAt ? (
                <>
                  <dt>Signed out if idle until</dt>
                  <dd>{formatTime(session.idleExpiresAt)}</dd>
                </>
              ) : null}
              {session?.expiresAt ? (
                <>
                  <dt>Session ends</dt>
                  <dd>{formatTime(session.expiresAt)}</dd>
                </>
              ) : null}
            </dl>
            <UserMenu />
          </>
        ) : (
          <p className="muted">This server does not say who is signed in.</p>
        )}
        <p className="small muted">
          The session is a cookie the page cannot read; no token or password is kept in this browser&apos;s
          storage. Scripts and connectors use a bearer token of their own (<code>linewatch token create</code>
          ), not the web UI.
        </p>
      </section>
    </>
  );
}
