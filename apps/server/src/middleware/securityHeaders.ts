import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../appEnv.ts';

/**
 * The Content-Security-Policy of the web UI. Scripts only from the server itself (Vite emits no
 * inline script); `style-src 'unsafe-inline'` because the report preview is a sandboxed `srcdoc`
 * iframe, which inherits this policy, and the report HTML carries its own `<style>` and style
 * attributes (React's `style` props are set through the CSSOM and need no such allowance).
 */
export const UI_CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The Content-Security-Policy header value of the UI's HTML (same text as `UI_CONTENT_SECURITY_POLICY`). */
export const UI_CSP_HEADER = Object.entries(UI_CONTENT_SECURITY_POLICY)
  .map(([k, v]) => `${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} ${v.join(' ')}`)
  .join('; ');

// Every answer of the API port: no MIME sniffing, no referrer leaving the UI, never framed.
// HSTS is added per request, only when it came over TLS (RFC 6797 §7.2: not over plain HTTP).
const common = secureHeaders({
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  xContentTypeOptions: true,
  strictTransportSecurity: false,
  crossOriginResourcePolicy: 'same-origin',
  crossOriginOpenerPolicy: 'same-origin',
  originAgentCluster: true,
  xDnsPrefetchControl: true,
  xDownloadOptions: true,
  xPermittedCrossDomainPolicies: true,
  // "0": the legacy XSS auditor is itself an attack surface (OWASP secure headers).
  xXssProtection: true,
  removePoweredBy: true,
});

/** Security headers on every answer; a CSP on HTML answers (the UI); HSTS over TLS. */
export function securityHeaders() {
  return createMiddleware<AppEnv>(async (c, next) => {
    await common(c, next);
    // A route that set its own policy (a report's HTML preview: stricter, no scripts at all) keeps it.
    if (
      c.res.headers.get('content-type')?.startsWith('text/html') &&
      !c.res.headers.has('Content-Security-Policy')
    )
      c.res.headers.set('Content-Security-Policy', UI_CSP_HEADER);
    if (new URL(c.req.url).protocol === 'https:')
      c.res.headers.set('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
  });
}
