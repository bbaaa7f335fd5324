import type { Command } from 'commander';
import { RetentionConfigSchema } from '@linewatch/schema';
import { generateDdl, migrate, openStore } from '@linewatch/store';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';

/** `linewatch migrate` applies migrations; `linewatch ddl` prints the DDL for review (optionally for a cluster). */
export function registerSchemaCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations and retention, then exit')
    .option('-c, --config <file>', 'linewatch.yaml')
    .action(async (opts: { config?: string }) => {
      const { config } = loadConfig({ path: opts.config });
      const logger = createLogger(config.log.level);
      const store = await openStore(config.store);
      try {
        const { applied } = await migrate(store, config.retention);
        logger.info({ applied }, applied.length ? 'migrations applied' : 'schema is current');
      } finally {
        await store.close();
      }
    });
  program
    .command('ddl')
    .description('print every DDL statement the migrations emit')
    .option('--database <name>', 'database', 'linewatch')
    .option('--cluster <name>', 'emit ON CLUSTER, Replicated and Distributed tables')
    .action((opts: { database: string; cluster?: string }) => {
      const ddl = generateDdl(opts.database, opts.cluster, RetentionConfigSchema.parse({}));
      process.stdout.write(`${ddl.join(';\n\n')};\n`);
    });
}
