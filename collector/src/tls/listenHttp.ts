import { serve, type ServerType } from '@hono/node-server';
import { createServer, type Server as HttpsServer, type ServerOptions } from 'node:https';
import type { Logger } from 'pino';
import type { TlsConfig } from '@linewatch/schema';
import { secureContextOptions } from './loadTlsFiles.ts';
import { watchTlsFiles, type TlsReloadTiming } from './watchTlsFiles.ts';
import { warnIfPlaintext } from './warnIfPlaintext.ts';

export interface ListenHttpOptions {
  fetch: Parameters<typeof serve>[0]['fetch'];
  host: string;
  port: number;
  /** HTTPS from these files (reloaded when they change); plain HTTP when absent. */
  tls: TlsConfig | undefined;
  /** Where `tls` came from in the config, for error messages (`server.tls`). */
  source: string;
  /** The listener's name in log lines: `api`, `otlp-http`. */
  listener: string;
  logger: Logger;
  reload?: TlsReloadTiming;
}

/**
 * Starts an HTTP or, with `tls`, an HTTPS listener for a Hono app (@hono/node-server with
 * `https.createServer`). Certificate changes on disk are applied with `server.setSecureContext`,
 * so new connections get the new certificate without a restart; the file watch ends when the
 * server closes. With `clientCertificates` the client's certificate is verified against `ca`
 * (`required`: refused in the handshake without one). Warns when binding beyond loopback without TLS.
 * @example const server = await listenHttp({ fetch: app.fetch, host, port, tls, source: 'server.tls', listener: 'api', logger });
 */
export async function listenHttp(options: ListenHttpOptions): Promise<ServerType> {
  const { tls, logger, listener } = options;
  warnIfPlaintext(logger, listener, options.host, options.port, tls);
  if (!tls) return listening(serve({ fetch: options.fetch, hostname: options.host, port: options.port }));

  let server: HttpsServer | undefined;
  const watch = watchTlsFiles({
    config: tls,
    source: options.source,
    listener,
    logger,
    ...options.reload,
    onChange: (files) => {
      try {
        server?.setSecureContext(secureContextOptions(files));
      } catch (err) {
        logger.error(
          { err, listener },
          `${listener}: applying the new TLS certificate failed; the previous one keeps serving`,
        );
      }
    },
  });
  const serverOptions: ServerOptions = {
    ...secureContextOptions(watch.current()),
    requestCert: tls.clientCertificates !== 'off',
    rejectUnauthorized: tls.clientCertificates === 'required',
  };
  try {
    const started = await listening(
      serve({
        fetch: options.fetch,
        hostname: options.host,
        port: options.port,
        createServer,
        serverOptions,
      }),
    );
    // serve() returns the server createServer made: an https.Server here.
    server = started as unknown as HttpsServer;
    started.once('close', () => watch.close());
    return started;
  } catch (e) {
    watch.close();
    throw e;
  }
}

function listening(server: ServerType): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    if (server.listening) return resolve(server);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
