import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { TlsConfig } from '@linewatch/schema';
import { distinguishedName } from './distinguishedName.ts';

/** The TLS files of a listener are unreadable or do not form a usable certificate; `issues` are `path: message` lines. */
export class TlsFileError extends Error {
  override readonly name = 'TlsFileError';
  constructor(
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid TLS files:\n  ${issues.join('\n  ')}`, options);
  }
}

/** The PEM files of a listener, read and checked: the certificate, its key and the client CA. */
export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | undefined;
  /** The listener's own certificate (the first of the chain). */
  certificate: X509Certificate;
}

/** What a log line says about a certificate. */
export function describeCertificate(c: X509Certificate): {
  subject: string;
  serialNumber: string;
  fingerprint256: string;
  validTo: string;
} {
  return {
    subject: distinguishedName(c),
    serialNumber: c.serialNumber,
    fingerprint256: c.fingerprint256,
    validTo: c.validTo,
  };
}

/** The options of `tls.createSecureContext` / `server.setSecureContext` for these files. */
export function secureContextOptions(files: TlsFiles): SecureContextOptions {
  return { cert: files.cert, key: files.key, ...(files.ca ? { ca: files.ca } : {}) };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads and checks the PEM files of a listener: each file readable, the certificate and the CA
 * parse, the key belongs to the certificate and OpenSSL accepts the pair. Throws a TlsFileError
 * listing every problem as `<source>.<field>: <file>: <message>`.
 * @example const files = loadTlsFiles(config.server.tls, 'server.tls');
 */
export function loadTlsFiles(config: TlsConfig, source: string): TlsFiles {
  const issues: string[] = [];
  const read = (field: 'cert' | 'key' | 'ca', file: string): Buffer | undefined => {
    try {
      return readFileSync(file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      issues.push(`${source}.${field}: ${file}: cannot read the file (${err.code ?? err.message})`);
      return undefined;
    }
  };
  const cert = read('cert', config.cert);
  const key = read('key', config.key);
  const ca = config.ca === undefined ? undefined : read('ca', config.ca);

  let certificate: X509Certificate | undefined;
  if (cert) certificate = firstCertificate(cert, `${source}.cert: ${config.cert}`, issues);
  let keyObject: KeyObject | undefined;
  if (key)
    try {
      keyObject = createPrivateKey(key);
    } catch (e) {
      issues.push(`${source}.key: ${config.key}: not a readable PEM private key (${(e as Error).message})`);
    }
  if (ca && config.ca !== undefined) {
    const blocks = ca.toString('utf8').match(PEM_CERTIFICATE) ?? [];
    if (!blocks.length) issues.push(`${source}.ca: ${config.ca}: no PEM certificate in the file`);
    for (const block of blocks)
      try {
        new X509Certificate(block);
      } catch (e) {
        issues.push(`${source}.ca: ${config.ca}: a certificate does not parse (${(e as Error).message})`);
        break;
      }
  }
  if (certificate && keyObject && !certificate.checkPrivateKey(keyObject))
    issues.push(`${source}.key: ${config.key}: the key does not belong to the certificate in ${config.cert}`);
  if (issues.length === 0 && cert && key && certificate) {
    const files: TlsFiles = { cert, key, ca, certificate };
    try {
      // What the listener will do with them: fails on anything OpenSSL refuses that the checks above missed.
      createSecureContext(secureContextOptions(files));
      return files;
    } catch (e) {
      issues.push(
        `${source}: ${config.cert}: OpenSSL refuses the certificate and key (${(e as Error).message})`,
      );
    }
  }
  throw new TlsFileError(issues);
}

function firstCertificate(pem: Buffer, where: string, issues: string[]): X509Certificate | undefined {
  const first = pem.toString('utf8').match(PEM_CERTIFICATE)?.[0];
  if (!first) {
    issues.push(`${where}: no PEM certificate in the file`);
    return undefined;
  }
  try {
    return new X509Certificate(first);
  } catch (e) {
    issues.push(`${where}: the certificate does not parse (${(e as Error).message})`);
    return undefined;
  }
}

/** The problems `loadTlsFiles` would throw for, as `path: message` lines (none when the files are good). */
export function tlsFileIssues(config: TlsConfig, source: string): string[] {
  try {
    loadTlsFiles(config, source);
    return [];
  } catch (e) {
    if (e instanceof TlsFileError) return e.issues;
    throw e;
  }
}
