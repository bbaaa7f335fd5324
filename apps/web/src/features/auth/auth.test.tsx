import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider, useMutation } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { Layout } from '../../components/Layout.tsx';
import { apiPost } from '../../lib/api.ts';
import { LiveProvider } from '../../lib/live.tsx';
import { any, schemaOf } from '../../lib/shape.ts';
import { useApi } from '../../lib/useApi.ts';
import { makeSession } from '../../testing/builders.ts';
import { apiError, stubApi, type FakeRoute } from '../../testing/fakeApi.ts';
import { AuthGate } from './AuthGate.tsx';
import { AuthProvider } from './AuthProvider.tsx';
import { describeSignInError } from './SignInPage.tsx';
import { ApiRequestError } from '../../lib/api.ts';

const Anything = schemaOf(any);
const PROVIDERS = { local: true, oidc: [{ id: 'corp', name: 'Corp SSO' }], open: false };

/** A view behind the sign-in: it reads the API, and acknowledges an alert (a POST). */
function Probe() {
  const location = useLocation();
  const q = useApi('/api/v1/things', Anything);
  const ack = useMutation({
    mutationFn: () => apiPost('/api/v1/alerts/a-1/ack', { comment: 'seen' }, Anything),
  });
  return (
    <div>
      <h1>
        The view at {location.pathname}
        {location.search}
      </h1>
      {q.isSuccess ? <p>things loaded</p> : null}
      <button type="button" onClick={() => ack.mutate()}>
        Acknowledge
      </button>
      {ack.isSuccess ? <p>acknowledged</p> : null}
    </div>
  );
}

function renderApp(routes: Record<string, FakeRoute>, path = '/alerts?state=all') {
  const api = stubApi({
    'GET /api/v1/things': { body: { ok: true } },
    'POST /api/v1/alerts/a-1/ack': { body: { ok: true } },
    ...routes,
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <LiveProvider>
        <MemoryRouter initialEntries={[path]}>
          <AuthProvider>
            <AuthGate>
              <Layout>
                <Routes>
                  <Route path="*" element={<Probe />} />
                </Routes>
              </Layout>
            </AuthGate>
          </AuthProvider>
        </MemoryRouter>
      </LiveProvider>
    </QueryClientProvider>,
  );
  return api;
}

const signIn = async (username: string, password: string) => {
  fireEvent.change(await screen.findByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
};

describe('sign-in page', () => {
  it('shows when nobody is signed in, with a password form and a button per identity provider', async () => {
    const api = renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': apiError(401, 'unauthenticated', 'sign in first'),
    });
    await screen.findByRole('heading', { name: 'Sign in to Linewatch' });
    expect(screen.getByLabelText('Password')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Sign in with Corp SSO' }).getAttribute('href')).toBe(
      '/api/v1/auth/oidc/corp/start?returnTo=%2Falerts%3Fstate%3Dall',
    );
    // The view behind it does not ask for data it may not see.
    expect(api.calls.some((c) => c.path === '/api/v1/things')).toBe(false);
  });

  it('shows why an identity provider refused the sign-in, and does not carry the reason on', async () => {
    renderApp(
      {
        'GET /api/v1/auth/providers': { body: PROVIDERS },
        'GET /api/v1/auth/session': apiError(401, 'unauthenticated', 'sign in first'),
      },
      '/?signInError=Corp%20SSO%20lists%20groups%20finance%3B%20none%20of%20them%20has%20a%20role',
    );
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Sign-in was refused: Corp SSO lists groups finance; none of them has a role',
    );
    expect(screen.getByRole('link', { name: 'Sign in with Corp SSO' }).getAttribute('href')).toBe(
      '/api/v1/auth/oidc/corp/start?returnTo=%2F',
    );
  });

  it('signs in with the username and password, then shows the view the user was on', async () => {
    const api = renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': apiError(401, 'unauthenticated', 'sign in first'),
      'POST /api/v1/auth/login': { body: makeSession() },
    });
    await signIn(' ana ', 'correct horse');
    await screen.findByRole('heading', { name: 'The view at /alerts?state=all' });
    const login = api.calls.find((c) => c.path === '/api/v1/auth/login');
    expect(login?.body).toEqual({ username: 'ana', password: 'correct horse' });
    expect(login?.credentials).toBe('same-origin');
    await screen.findByText('things loaded');
  });

  it('shows the server’s message when the credentials are wrong, and clears the password', async () => {
    renderApp({
      'GET /api/v1/auth/providers': { body: { ...PROVIDERS, oidc: [] } },
      'GET /api/v1/auth/session': apiError(401, 'unauthenticated', 'sign in first'),
      'POST /api/v1/auth/login': apiError(401, 'invalid_credentials', 'invalid username or password'),
    });
    await signIn('ana', 'wrong');
    expect((await screen.findByRole('alert')).textContent).toBe('invalid username or password');
    expect(screen.getByLabelText<HTMLInputElement>('Password').value).toBe('');
    expect(screen.queryByRole('link', { name: /Sign in with/ })).toBeNull();
  });

  it('says when to try again after too many attempts (429 with Retry-After)', async () => {
    renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': apiError(401, 'unauthenticated', 'sign in first'),
      'POST /api/v1/auth/login': apiError(429, 'rate_limited', 'too many sign-in attempts', {
        'retry-after': '30',
      }),
    });
    await signIn('ana', 'guess');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/^Too many sign-in attempts: try again in 30 s \(at [\d:]+\)\./);
    expect(alert.textContent).toContain('too many sign-in attempts');
  });

  it('reads Retry-After as an HTTP date too', () => {
    const now = Date.parse('2026-12-09T10:00:00Z');
    const e = new ApiRequestError('/api/v1/auth/login', 429, 'rate_limited', 'slow down', undefined, {
      method: 'POST',
      retryAfterSeconds: 90,
    });
    expect(describeSignInError(e, now)).toMatch(/try again in 90 s/);
  });

  it('comes back to sign-in when an API call answers 401, and to the view after it', async () => {
    let signedIn = true;
    renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': () =>
        signedIn ? { body: makeSession() } : apiError(401, 'unauthenticated', 'sign in first'),
      'POST /api/v1/alerts/a-1/ack': () =>
        signedIn ? { body: { ok: true } } : apiError(401, 'unauthenticated', 'session expired'),
      'POST /api/v1/auth/login': () => {
        signedIn = true;
        return { body: makeSession() };
      },
    });
    await screen.findByRole('heading', { name: 'The view at /alerts?state=all' });
    signedIn = false;
    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await screen.findByText(/Your session has ended/);
    await signIn('ana', 'correct horse');
    await screen.findByRole('heading', { name: 'The view at /alerts?state=all' });
  });
});

describe('who is signed in', () => {
  it('shows the name, kind, scopes and plants, and signs out with the CSRF token', async () => {
    const api = renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': { body: makeSession({}, 'csrf-from-session') },
      'POST /api/v1/auth/logout': { status: 204 },
    });
    const who = await screen.findByTestId('signed-in-as');
    expect(who.textContent).toContain('Ana Novak');
    expect(who.textContent).toContain('(user)');
    expect(who.textContent).toContain('operate · plants P01');
    // Not an admin: no Audit view in the navigation.
    expect(screen.queryByRole('link', { name: 'Audit' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByText('You are signed out.');
    const logout = api.calls.find((c) => c.path === '/api/v1/auth/logout');
    expect(logout?.method).toBe('POST');
    expect(logout?.headers.get('x-csrf-token')).toBe('csrf-from-session');
  });

  it('links the Audit view for an admin', async () => {
    renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': {
        body: makeSession({ scopes: ['admin', 'ingest', 'operate', 'read'], plants: [] }),
      },
    });
    expect((await screen.findByTestId('signed-in-as')).textContent).toContain('admin · all plants');
    expect(screen.getByRole('link', { name: 'Audit' }).getAttribute('href')).toBe('/audit');
  });

  it('shows the local admin on an open instance, without asking for a session', async () => {
    const api = renderApp({ 'GET /api/v1/auth/providers': { body: { local: false, oidc: [], open: true } } });
    expect((await screen.findByTestId('signed-in-as')).textContent).toBe(
      'local admin (no sign-in configured)',
    );
    expect(screen.getByRole('link', { name: 'Audit' })).toBeTruthy();
    await screen.findByText('things loaded');
    expect(api.calls.some((c) => c.path === '/api/v1/auth/session')).toBe(false);
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('runs as before against a server without sign-in routes', async () => {
    renderApp({});
    await screen.findByText('things loaded');
    expect(screen.queryByTestId('signed-in-as')).toBeNull();
  });
});

describe('requests of a session', () => {
  it('sends the CSRF token from sign-in on a POST, and not on a GET; cookies go with both', async () => {
    const api = renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': apiError(401, 'unauthenticated', 'sign in first'),
      'POST /api/v1/auth/login': { body: makeSession({}, 'csrf-from-login') },
    });
    await signIn('ana', 'correct horse');
    await screen.findByText('things loaded');
    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await screen.findByText('acknowledged');
    const post = api.calls.find((c) => c.path === '/api/v1/alerts/a-1/ack');
    expect(post?.headers.get('x-csrf-token')).toBe('csrf-from-login');
    expect(post?.credentials).toBe('same-origin');
    const get = api.calls.find((c) => c.path === '/api/v1/things');
    expect(get?.headers.get('x-csrf-token')).toBeNull();
    expect(get?.credentials).toBe('same-origin');
  });

  it('keeps no token, password or CSRF token in local or session storage', async () => {
    renderApp({
      'GET /api/v1/auth/providers': { body: PROVIDERS },
      'GET /api/v1/auth/session': apiError(401, 'unauthenticated', 'sign in first'),
      'POST /api/v1/auth/login': { body: makeSession({}, 'csrf-secret-value') },
    });
    await signIn('ana', 'correct horse');
    await screen.findByText('things loaded');
    await waitFor(() => expect(screen.getByTestId('signed-in-as')).toBeTruthy());
    for (const storage of [localStorage, sessionStorage]) {
      const entries = Object.keys(storage).map((k) => [k, storage.getItem(k) ?? ''] as const);
      for (const [k, v] of entries) {
        expect(k).not.toMatch(/token|session|csrf|auth|password/i);
        expect(v).not.toContain('csrf-secret-value');
        expect(v).not.toContain('correct horse');
      }
    }
  });
});
