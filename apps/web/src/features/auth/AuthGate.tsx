import type { ReactNode } from 'react';
import { useAuth } from './AuthProvider.tsx';
import { SignInPage } from './SignInPage.tsx';

/** The app once the sign-in state is known; the sign-in page in its place when a sign-in is needed. */
export function AuthGate({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  if (status === 'loading')
    return (
      <div role="status" aria-label="checking sign-in" className="sign-in">
        <div className="skeleton" />
      </div>
    );
  if (status === 'signed-out') return <SignInPage />;
  return <>{children}</>;
}
