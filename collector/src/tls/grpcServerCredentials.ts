import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { TlsConfig } from '@linewatch/schema';
import type { TlsFiles } from './loadTlsFiles.ts';
import { watchTlsFiles, type TlsReloadTiming } from './watchTlsFiles.ts';

type CertificateProvider = grpc.experimental.CertificateProvider;
type CaListener = grpc.experimental.CaCertificateUpdateListener;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;

export interface GrpcServerCredentialsOptions {
  tls: TlsConfig;
  /** Where `tls` came from in the config, for error messages (`collector.otlpGrpc.tls`). */
  source: string;
  listener: string;
  logger: Logger;
  reload?: TlsReloadTiming;
}

/** Server credentials that follow the files on disk; `close()` ends the file watch. */
export interface ReloadingGrpcCredentials {
  credentials: grpc.ServerCredentials;
  close(): void;
}

/**
 * TLS server credentials for grpc-js that pick up certificate changes without a restart. grpc-js
 * applies a CertificateProvider's updates with `setSecureContext` on its HTTP/2 server
 * (`experimental.createCertificateProviderServerCredentials`). Its own FileWatcherCertificateProvider
 * is not used: it hands over whatever the files hold, and grpc-js then drops every new connection
 * until the files are good again; this provider only ever reports a checked pair, so a bad
 * replacement leaves the last good certificate serving. With `clientCertificates` the client is
 * asked for a certificate verified against `ca` (`required`: refused in the handshake without one).
 * @example const { credentials, close } = grpcServerCredentials({ tls, source: 'collector.otlpGrpc.tls', listener: 'otlp-grpc', logger });
 */
export function grpcServerCredentials(options: GrpcServerCredentialsOptions): ReloadingGrpcCredentials {
  const { tls } = options;
  const identityListeners = new Set<IdentityListener>();
  const caListeners = new Set<CaListener>();
  const publish = (files: TlsFiles): void => {
    // Identity first, then CA, synchronously: grpc-js recomputes the context after each, and both are set by then.
    for (const l of identityListeners) l({ certificate: files.cert, privateKey: files.key });
    if (files.ca) for (const l of caListeners) l({ caCertificate: files.ca });
  };
  const watch = watchTlsFiles({
    config: tls,
    source: options.source,
    listener: options.listener,
    logger: options.logger,
    ...options.reload,
    onChange: publish,
  });
  const provider: CertificateProvider = {
    // grpc-js registers its watcher after adding these listeners: the first update must come later (as its own provider does).
    addIdentityCertificateListener(l) {
      identityListeners.add(l);
      const files = watch.current();
      process.nextTick(l, { certificate: files.cert, privateKey: files.key });
    },
    removeIdentityCertificateListener: (l) => identityListeners.delete(l),
    addCaCertificateListener(l) {
      caListeners.add(l);
      const ca = watch.current().ca;
      if (ca) process.nextTick(l, { caCertificate: ca });
    },
    removeCaCertificateListener: (l) => caListeners.delete(l),
  };
  const verifyClients = tls.clientCertificates !== 'off';
  // grpc-js 1.14: the first parameter is the identity provider, the second the CA one (its .d.ts names them the other way round).
  const credentials = grpc.experimental.createCertificateProviderServerCredentials(
    provider,
    verifyClients ? provider : null,
    tls.clientCertificates === 'required',
  );
  return { credentials, close: () => watch.close() };
}
