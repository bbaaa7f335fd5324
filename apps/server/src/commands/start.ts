import type { Command } from 'commander';
import { child, parseConfig, parseRoles, readRawConfig } from '../config.ts';
import { applyDemoIngest } from '../demo/demoIngestOverrides.ts';
import { createLogger } from '../logger.ts';
import { defaultComponents } from '../main.ts';
import { startLinewatch } from '../runtime.ts';

/** `linewatch start`: the all-in-one process, or the roles named by --roles. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run Linewatch: API and UI, collectors, correlation (all roles unless --roles)')
    .option('-c, --config <file>', 'linewatch.yaml (default: $LINEWATCH_CONFIG or ./linewatch.yaml)')
    .option('--roles <roles>', 'comma-separated roles: api,collector,worker')
    .option('--data-dir <dir>', 'embedded ClickHouse data directory')
    .option('--port <port>', 'API and UI port', (v) => Number(v))
    .option('--demo', 'also run the plant simulator (a live demo estate)')
    .action(
      async (opts: { config?: string; roles?: string; dataDir?: string; port?: number; demo?: boolean }) => {
        const loaded = readRawConfig({
          path: opts.config,
          overrides: (raw) => {
            if (opts.roles) raw.roles = parseRoles(opts.roles);
            if (opts.dataDir) child(raw, 'store').dataDir = opts.dataDir;
            if (opts.port !== undefined) child(raw, 'server').port = opts.port;
            if (opts.demo) child(raw, 'demo').enabled = true;
          },
        });
        if (child(loaded.raw, 'demo').enabled === true) await applyDemoIngest(loaded.raw);
        const { config, source } = parseConfig(loaded);
        const logger = createLogger(config.log.level);
        logger.info({ config: source, roles: config.roles }, 'starting Linewatch');
        const running = await startLinewatch({ config, logger, components: defaultComponents() });
        if (running.apiUrl) process.stdout.write(`\nLinewatch is running: open ${running.apiUrl}\n\n`);

        let signals = 0;
        const shutdown = (signal: string) => {
          if (signals++ > 0) return;
          logger.info({ signal }, 'shutting down');
          const timer = setTimeout(() => {
            logger.error(
              { graceSeconds: config.server.shutdownGraceSeconds },
              'shutdown took too long; exiting',
            );
            process.exit(1);
          }, config.server.shutdownGraceSeconds * 1000);
          timer.unref();
          running.stop().then(
            () => process.exit(0),
            (err: unknown) => {
              logger.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
        };
        process.on('SIGTERM', () => shutdown('SIGTERM'));
        process.on('SIGINT', () => shutdown('SIGINT'));
      },
    );
}
