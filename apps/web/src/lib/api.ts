/** A request to the Linewatch API failed: what was asked, the HTTP status and the server's error code. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly path: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    options?: ErrorOptions & { method?: string; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.method = options?.method ?? 'GET';
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
  readonly method: string;
  /** From a 429's Retry-After header: how long to wait before trying again. */
  readonly retryAfterSeconds: number | undefined;
}

// The session is an HttpOnly cookie the browser sends by itself; the page never sees a token. The
// CSRF token of that session is held in this module only (never in web storage): a reload reads it
// again from GET /api/v1/auth/session.
let csrfToken: string | null = null;

/** Sets (or with null, forgets) the CSRF token sent with every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const unauthorizedListeners = new Set<() => void>();

/**
 * Calls `listener` when an API call answers 401 (the session ended or was never there), so the app
 * can show the sign-in page; the sign-in routes themselves (/api/v1/auth/…) do not count.
 * Returns the unsubscribe function.
 */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function noticeStatus(url: string, status: number): void {
  if (status === 401 && !url.startsWith('/api/v1/auth/')) for (const l of unauthorizedListeners) l();
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The headers of a request: JSON, and the CSRF token on a state-changing one when there is a session. */
function headersFor(method: string, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (hasBody) headers['content-type'] = 'application/json';
  if (csrfToken && STATE_CHANGING.has(method)) headers['x-csrf-token'] = csrfToken;
  return headers;
}

/** Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What apiGet needs of a schema: zod's safeParse (apps/web depends on @linewatch/schema only). */
export interface ResponseSchema<T> {
  safeParse(
    data: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Query-string values; undefined and '' are left out. */
export type QueryParams = Readonly<Record<string, string | number | undefined | null>>;

/** Builds `/api/v1/...?a=1&b=2`, leaving out empty values. */
export function apiPath(path: string, params?: QueryParams): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {}))
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

interface ErrorBody {
  error?: { code?: string; message?: string; requestId?: string };
}

/**
 * POSTs a JSON body to a same-origin API path and parses the answer like apiGet.
 * @example await apiPost('/api/v1/demo/scenarios', { name: 'connector-outage', active: true }, DemoScenarioSchema)
 */
export function apiPost<T>(path: string, body: unknown, schema: ResponseSchema<T>): Promise<T> {
  return request(path, schema, { method: 'POST', body: JSON.stringify(body) });
}

/**
 * GETs a file from the API with the session cookie: the bytes as a Blob, for a download or a preview
 * (a Blob lets the page name the download and show a preview in a sandboxed frame).
 */
export async function apiBlob(path: string): Promise<Blob> {
  const res = await fetch(path, { credentials: 'same-origin' });
  noticeStatus(path, res.status);
  if (!res.ok) throw new ApiRequestError(path, res.status, `http_${res.status}`, `HTTP ${res.status}`);
  return res.blob();
}

/**
 * POSTs to a path whose answer has no body (204), such as sign-out.
 * @example await apiPostNoContent('/api/v1/auth/logout')
 */
export async function apiPostNoContent(path: string): Promise<void> {
  await request(path, null, { method: 'POST' });
}

/** DELETEs a same-origin API path and parses the answer like apiGet. */
export function apiDelete<T>(path: string, schema: ResponseSchema<T>): Promise<T> {
  return request(path, schema, { method: 'DELETE' });
}

/**
 * GETs a same-origin API path and parses the answer with a zod schema from @linewatch/schema,
 * so a server that answers an unexpected shape fails loudly here and not deep in a component.
 * @example await apiGet('/api/v1/flow-health', FlowHealthSchema, { window: '6h' })
 */
export function apiGet<T>(
  path: string,
  schema: ResponseSchema<T>,
  params?: QueryParams,
  signal?: AbortSignal,
): Promise<T> {
  return request(apiPath(path, params), schema, { signal });
}

async function request<T>(
  url: string,
  schema: ResponseSchema<T>,
  init: { method?: string; body?: string; signal?: AbortSignal },
): Promise<T>;
async function request(
  url: string,
  schema: null,
  init: { method?: string; body?: string; signal?: AbortSignal },
): Promise<undefined>;
async function request<T>(
  url: string,
  schema: ResponseSchema<T> | null,
  init: { method?: string; body?: string; signal?: AbortSignal },
): Promise<T | undefined> {
  const method = init.method ?? 'GET';
  const headers = headersFor(method, init.body !== undefined);
  let res: Response;
  try {
    res = await fetch(url, { ...init, method, headers, credentials: 'same-origin' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiRequestError(
      url,
      0,
      'network',
      `the server did not answer (${(e as Error).message})`,
      undefined,
      {
        cause: e,
      },
    );
  }
  noticeStatus(url, res.status);
  if (res.ok && schema === null) return undefined;
  let body: unknown;
  try {
    body = await res.json();
  } catch (e) {
    throw new ApiRequestError(
      url,
      res.status,
      'bad_response',
      `HTTP ${res.status}: the answer is not JSON`,
      undefined,
      {
        cause: e,
      },
    );
  }
  if (!res.ok) {
    const err = (body as ErrorBody).error;
    throw new ApiRequestError(
      url,
      res.status,
      err?.code ?? `http_${res.status}`,
      err?.message ?? `HTTP ${res.status}`,
      err?.requestId,
      { method, retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after')) },
    );
  }
  if (schema === null) return undefined;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ApiRequestError(
      url,
      res.status,
      'bad_response',
      `unexpected answer shape: ${first}`,
      undefined,
      {
        method,
      },
    );
  }
  return parsed.data;
}

/** A short text for an error shown to the user: what failed and why. */
export function describeError(e: unknown): string {
  if (e instanceof ApiRequestError) {
    const where = `${e.method} ${e.path.split('?')[0]}`;
    const status = e.status ? ` → ${e.status} ${e.code}` : ` → ${e.code}`;
    return `${where}${status}: ${e.message}${e.requestId ? ` (request ${e.requestId})` : ''}`;
  }
  return e instanceof Error ? e.message : String(e);
}
