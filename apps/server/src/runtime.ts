import type { ServerType } from '@hono/node-server';
import { listenHttp, tlsFileIssues } from '@linewatch/collector';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { LinewatchConfig } from '@linewatch/schema';
import { migrate, openStore, pendingMigrations, type Store } from '@linewatch/store';
import { isLoopback } from './auth.ts';
import { AccessControl } from './access/verifier.ts';
import { createHttpApp } from './app.ts';
import { ConfigError } from './errors.ts';
import { environmentSecret } from './config.ts';
import { safeUrl } from './logger.ts';
import { registerHealthRoutes, type ReadinessCheck } from './routes/health.ts';
import { registerOpenApiRoute } from './routes/openapi.ts';
import { registerUiRoutes } from './routes/ui.ts';
import type { ScopedRouter } from './router.ts';

const VERSION = '0.1.0';

/** A long-running part of the process (collector, correlation worker, simulator …). */
export interface Component {
  name: string;
  start(): Promise<void>;
  /** Stop accepting work, flush what was accepted, release resources. */
  stop(): Promise<void>;
  /** Undefined when ready, else why not. */
  readiness?(): Promise<string | undefined>;
}

/** What a component factory receives. */
export interface RuntimeContext {
  config: LinewatchConfig;
  store: Store;
  logger: Logger;
  /** Principals, tokens and the credentials of requests (static tokens and the stored ones). */
  access: AccessControl;
  /** The API router (present when the api role runs): components add their routes here. */
  router: ScopedRouter | undefined;
  /** Injected time source (tests pass a fake clock). */
  now: () => number;
  /** Looks up a secret the config names by its environment variable (SMTP password, webhook secrets). */
  secret: (name: string) => string | undefined;
  /** The components created so far, in start order (a later factory may use an earlier one). */
  components: readonly Component[];
}

/** A factory that adds a component for the roles it serves. */
export type ComponentFactory = (
  ctx: RuntimeContext,
) => Component | undefined | Promise<Component | undefined>;

export interface StartOptions {
  config: LinewatchConfig;
  logger: Logger;
  /** Component factories in start order; each decides from `config.roles` whether it runs. */
  components?: ComponentFactory[];
  now?: () => number;
  /** Secret lookup; default: the process environment (config.ts). */
  secret?: (name: string) => string | undefined;
}

export interface RunningLinewatch {
  store: Store;
  /** Base URL of the API server, when the api role runs. */
  apiUrl: string | undefined;
  components: Component[];
  stop(): Promise<void>;
}

/**
 * Refuses configurations that would expose data: a non-loopback bind while no credential exists (no
 * static token in linewatch.yaml and no principal stored).
 */
export function checkExposure(config: LinewatchConfig, open: boolean): void {
  if (!open) return;
  const hosts = [config.server.host, config.collector.otlpHttp.host, config.collector.otlpGrpc.host];
  const exposed = hosts.filter((h) => !isLoopback(h));
  if (exposed.length)
    throw new ConfigError(
      exposed.map(
        (h) =>
          `server: binding ${h} with no principal or token would expose every route; create one with \`linewatch token create --data-dir DIR --service-account NAME --scope admin\` (or add a static token to auth.tokens)`,
      ),
    );
}

/** Refuses TLS files that cannot serve (unreadable, not PEM, a key of another certificate), for the listeners the roles run. */
export function checkTlsFiles(config: LinewatchConfig): void {
  const listeners = [
    ...(config.roles.includes('api') ? [{ source: 'server.tls', tls: config.server.tls }] : []),
    ...(config.roles.includes('collector')
      ? [
          { source: 'collector.otlpHttp.tls', tls: config.collector.otlpHttp.tls },
          { source: 'collector.otlpGrpc.tls', tls: config.collector.otlpGrpc.tls },
        ]
      : []),
  ];
  const issues = listeners.flatMap(({ source, tls }) => (tls ? tlsFileIssues(tls, source) : []));
  if (issues.length) throw new ConfigError(issues);
}

/** Starts the process for the configured roles: store, migrations, then components, then the API. */
export async function startLinewatch(options: StartOptions): Promise<RunningLinewatch> {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  checkTlsFiles(config);
  const started = Date.now();
  const store = await openStore(config.store);
  logger.info(
    {
      mode: store.mode,
      database: store.database,
      dataDir: store.dataDir,
      url: safeUrl(config.store.url),
      cluster: store.cluster,
    },
    'store opened',
  );
  const components: Component[] = [];
  let server: ServerType | undefined;
  let stopAccess: () => Promise<void> = () => Promise.resolve();
  try {
    const { applied } = await migrate(store, config.retention);
    if (applied.length) logger.info({ applied }, 'migrations applied');

    const access = new AccessControl({
      staticTokens: config.auth.tokens,
      clientCertificates: config.auth.clientCertificates,
      store,
      logger: logger.child({ component: 'access' }),
      now,
    });
    await access.start();
    stopAccess = () => access.stop();
    checkExposure(config, access.open);
    if (access.open)
      logger.warn('no principal or token exists: listening on loopback only, and the local user is admin');

    const http = config.roles.includes('api')
      ? createHttpApp({ logger, access, server: config.server, now })
      : undefined;
    const ctx: RuntimeContext = {
      config,
      store,
      logger,
      access,
      router: http?.router,
      now,
      secret: options.secret ?? environmentSecret,
      components,
    };
    for (const factory of options.components ?? []) {
      const c = await factory(ctx);
      if (c) components.push(c);
    }
    for (const c of components) {
      await c.start();
      logger.info({ component: c.name }, 'component started');
    }

    let apiUrl: string | undefined;
    if (http) {
      const checks: Record<string, ReadinessCheck> = {
        store: async () => ((await store.ping()) ? undefined : 'store unreachable'),
        migrations: async () => {
          const pending = await pendingMigrations(store);
          return pending.length ? `pending migrations: ${pending.join(', ')}` : undefined;
        },
      };
      for (const c of components) if (c.readiness) checks[c.name] = c.readiness.bind(c);
      registerHealthRoutes(http.router, checks);
      registerOpenApiRoute(http.router, VERSION);
      if (!registerUiRoutes(http.router, config.paths.web))
        logger.warn(
          { dir: config.paths.web },
          'web UI not built (npm run build -w @linewatch/web): serving the API only',
        );
      // HTTPS when server.tls is set (certificates reloaded from disk); warns on a plain non-loopback bind.
      server = await listenHttp({
        fetch: http.app.fetch,
        host: config.server.host,
        port: config.server.port,
        tls: config.server.tls,
        source: 'server.tls',
        listener: 'api',
        logger,
      });
      const addr = server.address() as AddressInfo;
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      apiUrl = `${config.server.tls ? 'https' : 'http'}://${host}:${addr.port}`;
      logger.info({ url: apiUrl, ms: Date.now() - started }, 'Linewatch API listening');
    }

    let stopping: Promise<void> | undefined;
    return {
      store,
      apiUrl,
      components,
      stop: () =>
        (stopping ??= (async () => {
          if (server) await new Promise<void>((r) => server?.close(() => r()));
          for (const c of [...components].reverse()) {
            try {
              await c.stop();
            } catch (err) {
              logger.error({ err, component: c.name }, 'component failed to stop cleanly');
            }
          }
          await stopAccess();
          await store.close();
          logger.info('stopped');
        })()),
    };
  } catch (e) {
    server?.close();
    for (const c of components.reverse()) await c.stop().catch(() => undefined);
    await stopAccess().catch(() => undefined);
    await store.close();
    throw e;
  }
}
