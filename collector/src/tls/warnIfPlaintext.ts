import type { Logger } from 'pino';
import type { TlsConfig } from '@linewatch/schema';

const LOOPBACK = new Set(['localhost', '::1', '[::1]']);

/** True if the host binds only the loopback interface. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\./.test(host) || host.startsWith('::ffff:127.');
}

/**
 * Logs a warning when a listener binds beyond loopback without TLS: tokens and plant data would
 * cross the network in clear. Returns whether it warned.
 */
export function warnIfPlaintext(
  logger: Logger,
  listener: string,
  host: string,
  port: number,
  tls: TlsConfig | undefined,
): boolean {
  if (tls || isLoopbackHost(host)) return false;
  logger.warn(
    { listener, address: `${host.includes(':') ? `[${host}]` : host}:${port}` },
    `${listener}: listening on ${host} without TLS; tokens and data cross the network unencrypted (configure tls for this listener)`,
  );
  return true;
}
