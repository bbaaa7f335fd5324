import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ScopeSchema, type Scope } from '@linewatch/schema';
import { createToken } from '../auth.ts';
import { ConfigError } from '../errors.ts';

/** `linewatch token create`: prints a new token once, and the salted hash to put in linewatch.yaml. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create a token; prints it once with the auth.tokens entry to add to linewatch.yaml')
    .requiredOption('--scope <scope...>', 'ingest, read, operate or admin (repeatable)')
    .option('--plant <plant...>', 'restrict reads to these plants')
    .option('--name <name>', 'a name for the token', `token-${new Date().toISOString().slice(0, 10)}`)
    .action((opts: { scope: string[]; plant?: string[]; name: string }) => {
      const scopes = opts.scope.flatMap((s) => s.split(','));
      const bad = scopes.filter((s) => !ScopeSchema.safeParse(s).success);
      if (bad.length)
        throw new ConfigError(bad.map((s) => `--scope: unknown scope "${s}" (ingest, read, operate, admin)`));
      const { token: value, entry } = createToken(opts.name, scopes as Scope[], opts.plant ?? []);
      process.stdout.write(
        `Token (shown once, store it now):\n\n  ${value}\n\nAdd to linewatch.yaml:\n\n${stringify({ auth: { tokens: [entry] } })}`,
      );
    });
}
