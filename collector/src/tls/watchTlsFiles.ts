import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { TlsConfig } from '@linewatch/schema';
import { TlsFileError, describeCertificate, loadTlsFiles, type TlsFiles } from './loadTlsFiles.ts';

/** How file changes are noticed. */
export interface TlsReloadTiming {
  /** Quiet time after a change before the files are read (a certificate and its key are written one after the other). */
  debounceMs?: number;
  /** Period of a re-read regardless of file events (network file systems, missed events). */
  pollIntervalMs?: number;
}

export interface WatchTlsFilesOptions extends TlsReloadTiming {
  config: TlsConfig;
  /** Where the config came from, for messages: `server.tls`, `collector.otlpHttp.tls` … */
  source: string;
  /** The listener's name in log lines: `api`, `otlp-http`, `otlp-grpc`. */
  listener: string;
  logger: Logger;
  /** Called with each new good set of files (never with a bad one). */
  onChange: (files: TlsFiles) => void;
}

/** The current files of a listener, kept up to date until `close()`. */
export interface TlsFilesWatch {
  current(): TlsFiles;
  /** Reads the files now (what a file event triggers after the debounce). */
  reload(): void;
  close(): void;
}

/**
 * Loads a listener's PEM files and watches them: after a change (debounced) they are read again and,
 * if they form a good certificate and key, `onChange` gets them; a bad replacement is logged as an
 * error and the last good files keep serving. The directories are watched rather than the files, so
 * replacements by rename (cert-manager, Kubernetes secret volumes, `mv`) are seen too. Throws a
 * TlsFileError when the files are bad at start.
 * @example const w = watchTlsFiles({ config, source: 'server.tls', listener: 'api', logger, onChange: (f) => server.setSecureContext(secureContextOptions(f)) });
 */
export function watchTlsFiles(options: WatchTlsFilesOptions): TlsFilesWatch {
  const { config, source, listener, logger } = options;
  const debounceMs = options.debounceMs ?? 250;
  const pollIntervalMs = options.pollIntervalMs ?? 60_000;
  let current = loadTlsFiles(config, source);
  let lastFailure: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function reload(): void {
    if (closed) return;
    let next: TlsFiles;
    try {
      next = loadTlsFiles(config, source);
    } catch (e) {
      const issues = e instanceof TlsFileError ? e.issues : [String(e)];
      const key = issues.join('\n');
      // Once per distinct problem: the poll would otherwise repeat it every period.
      if (key !== lastFailure)
        logger.error(
          { listener, issues, serving: describeCertificate(current.certificate) },
          `${listener}: the new TLS files are not usable; the previous certificate keeps serving`,
        );
      lastFailure = key;
      return;
    }
    lastFailure = undefined;
    if (same(next, current)) return;
    current = next;
    logger.info(
      { listener, certificate: describeCertificate(next.certificate) },
      `${listener}: TLS certificate reloaded`,
    );
    options.onChange(next);
  }

  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
    timer.unref();
  };

  const files = [config.cert, config.key, ...(config.ca ? [config.ca] : [])];
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((f) => dirname(f)))) {
    try {
      const w = watch(dir, { persistent: false }, schedule);
      w.on('error', (err) =>
        logger.warn({ err, listener, dir }, `${listener}: watching TLS files failed; polling only`),
      );
      watchers.push(w);
    } catch (err) {
      logger.warn({ err, listener, dir }, `${listener}: cannot watch the TLS directory; polling only`);
    }
  }
  const poll = setInterval(reload, pollIntervalMs);
  poll.unref();

  return {
    current: () => current,
    reload,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}

function same(a: TlsFiles, b: TlsFiles): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key) && (a.ca && b.ca ? a.ca.equals(b.ca) : a.ca === b.ca);
}
