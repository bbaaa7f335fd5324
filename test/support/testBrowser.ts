/** Answers a request for one origin in place of the network (a Hono app's `request`). */
export type OriginHandler = (
  url: string,
  init: { method: string; headers: Record<string, string> },
) => Response | Promise<Response>;

/**
 * A browser for sign-in flows: cookies per origin, redirects followed by hand so every hop is seen.
 * Origins in `handlers` are answered in process; every other one over HTTP.
 * @example const b = new TestBrowser({}, 'http://127.0.0.1:8080'); await b.go('/api/v1/auth/oidc/corp/start');
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();
  readonly hops: string[] = [];

  constructor(
    private readonly handlers: Record<string, OriginHandler> = {},
    /** What relative URLs are relative to. */
    private readonly base = 'http://localhost',
  ) {}

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  private remember(origin: string, headers: Headers): void {
    const jar = this.jar.get(origin) ?? new Map<string, string>();
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
      else jar.set(name, value);
    }
    this.jar.set(origin, jar);
  }

  async request(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
    const u = new URL(url, this.base);
    const cookies = [...(this.jar.get(u.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`);
    const headers = { ...init.headers, ...(cookies.length ? { cookie: cookies.join('; ') } : {}) };
    const method = init.method ?? 'GET';
    const local = this.handlers[u.origin];
    const res = local
      ? await local(u.href, { method, headers })
      : await fetch(u, { method, headers, redirect: 'manual' });
    this.remember(u.origin, res.headers);
    return { res, url: u };
  }

  /** Navigates to `url` and follows redirects to the page it ends at. */
  async go(url: string): Promise<{ url: URL; status: number; setCookies: string[] }> {
    let next = url;
    const setCookies: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { res, url: u } = await this.request(next);
      this.hops.push(`${res.status} ${u.origin}${u.pathname}`);
      setCookies.push(...res.headers.getSetCookie());
      const location = res.headers.get('location');
      await res.arrayBuffer();
      if (res.status >= 300 && res.status < 400 && location) {
        next = new URL(location, u).href;
        continue;
      }
      return { url: u, status: res.status, setCookies };
    }
    throw new Error(`too many redirects: ${this.hops.join(' → ')}`);
  }
}
