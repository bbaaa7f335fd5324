import type { X509Certificate } from 'node:crypto';

/**
 * The subject of a certificate as an RFC 4514 string, most specific attribute first
 * (`CN=gw-p02,O=Plant 2,C=DE`), the form `auth.clientCertificates` subjects are written in.
 */
export function distinguishedName(certificate: X509Certificate): string {
  // Node prints the subject one attribute a line, RFC 2253-escaped, in certificate order (C … CN).
  return certificate.subject.split('\n').filter(Boolean).reverse().join(',');
}

/** The attribute/value pairs of an RFC 4514 string, types upper-cased, whitespace around separators dropped. */
export function parseDistinguishedName(dn: string): [type: string, value: string][] {
  const parts: [string, string][] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i] as string;
    if (ch === '\\' && i + 1 < dn.length) {
      current += ch + (dn[i + 1] as string);
      i++;
    } else if (ch === ',') {
      parts.push(splitAttribute(current));
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(splitAttribute(current));
  return parts;
}

function splitAttribute(s: string): [string, string] {
  const eq = s.indexOf('=');
  if (eq < 0) return ['', s.trim()];
  return [s.slice(0, eq).trim().toUpperCase(), s.slice(eq + 1).trim()];
}
