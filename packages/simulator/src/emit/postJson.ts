/** The answer of a POST: ok, or why not and whether sending again may help. */
export type PostResult =
  | { ok: true; status: number; body: string }
  | { ok: false; status: number; retryable: boolean; error: string };

/** POSTs JSON with a timeout; never throws (network errors are a retryable result). */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (res.ok) return { ok: true, status: res.status, body: text };
    return {
      ok: false,
      status: res.status,
      retryable: res.status === 429 || res.status >= 500,
      error: text.slice(0, 500),
    };
  } catch (e) {
    return { ok: false, status: 0, retryable: true, error: (e as Error).message };
  }
}
