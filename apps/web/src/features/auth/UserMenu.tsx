import { useState } from 'react';
import { describeError } from '../../lib/api.ts';
import type { SessionPrincipal } from './authSchemas.ts';
import { useAuth } from './AuthProvider.tsx';

const KIND: Record<string, string> = { user: 'user', service: 'service account', local: 'local' };

/** "operate, read · plants P01, P02" (admin implies the others, so only the highest are listed). */
export function describeAccess(p: SessionPrincipal): string {
  const scopes = p.scopes.includes('admin')
    ? ['admin']
    : p.scopes.includes('operate')
      ? ['operate', ...p.scopes.filter((s) => s !== 'operate' && s !== 'read')]
      : p.scopes;
  const plants = p.plants.length ? `plants ${p.plants.join(', ')}` : 'all plants';
  return `${scopes.join(', ') || 'no scope'} · ${plants}`;
}

/** Who is signed in (name, kind, scopes and plants) with "Sign out"; on an open instance, the local admin. */
export function UserMenu() {
  const { status, principal, signOut } = useAuth();
  const [error, setError] = useState<string | null>(null);
  if (status === 'open')
    return (
      <span className="user-menu small" data-testid="signed-in-as">
        local admin (no sign-in configured)
      </span>
    );
  if (status !== 'signed-in' || !principal) return null;
  const kind = KIND[principal.kind] ?? principal.kind;
  return (
    <span className="user-menu small" data-testid="signed-in-as">
      <span title={`${principal.id} · signed in with ${principal.credential || 'a session'}`}>
        <strong>{principal.name}</strong> <span className="muted">({kind})</span>
        <span className="muted"> · {describeAccess(principal)}</span>
      </span>
      <button
        type="button"
        onClick={() => {
          setError(null);
          void signOut().catch((e: unknown) => setError(describeError(e)));
        }}
      >
        Sign out
      </button>
      {error ? (
        <span role="alert" className="error">
          {error}
        </span>
      ) : null}
    </span>
  );
}
