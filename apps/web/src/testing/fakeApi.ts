// A stand-in for the Linewatch server in component tests: `fetch` answers from a table of routes
// ("GET /api/v1/auth/session") and records every call with its headers, so a test can check what
// the UI sent (credentials, the CSRF header) as well as what it shows.
import { vi } from 'vitest';

/** One request the UI made. */
export interface FakeCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  body: unknown;
}

/** An answer: a status, a JSON body (none for 204) and headers. */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeRoute = FakeAnswer | ((call: FakeCall) => FakeAnswer);

/** A JSON error body the way the server's onError answers. */
export function apiError(status: number, code: string, message: string, headers?: Record<string, string>) {
  return { status, body: { error: { code, message, requestId: 'req-test' } }, headers };
}

/**
 * Replaces fetch with the routes (key "METHOD /path", without the query); anything else is a 404.
 * `setup.ts` puts the real fetch back after each test.
 */
export function stubApi(routes: Record<string, FakeRoute>): {
  calls: FakeCall[];
  routes: Record<string, FakeRoute>;
} {
  const calls: FakeCall[] = [];
  const fetchStub = vi.fn((input: string | URL, init?: RequestInit) => {
    const url = new URL(input, 'http://linewatch.test');
    const call: FakeCall = {
      method: (init?.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init?.headers),
      credentials: init?.credentials,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    const answer: FakeAnswer =
      route === undefined
        ? apiError(404, 'not_found', `no route ${call.method} ${call.path}`)
        : typeof route === 'function'
          ? route(call)
          : route;
    const status = answer.status ?? 200;
    const body = status === 204 || answer.body === undefined ? null : JSON.stringify(answer.body);
    return Promise.resolve(
      new Response(body, {
        status,
        headers: { 'content-type': 'application/json', ...answer.headers },
      }),
    );
  });
  vi.stubGlobal('fetch', fetchStub);
  return { calls, routes };
}
