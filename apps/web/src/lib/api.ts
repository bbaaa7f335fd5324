const TOKEN_KEY = 'linewatch.token';

/** A request to the Linewatch API failed: what was asked, the HTTP status and the server's error code. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly path: string,
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    options?: ErrorOptions & { method?: string },
  ) {
    super(message, options);
    this.method = options?.method ?? 'GET';
  }
  readonly method: string;
}

/** The bearer token kept in this browser (servers with auth), or undefined. */
export function getToken(): string | undefined {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Stores (or with an empty value, forgets) the bearer token used for API calls. */
export function setToken(token: string): void {
  if (token.trim()) localStorage.setItem(TOKEN_KEY, token.trim());
  else localStorage.removeItem(TOKEN_KEY);
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
): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers });
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
      { method },
    );
  }
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
