import { Command, CommanderError } from 'commander';
import { registerReevaluateCommand } from './commands/reevaluate.ts';
import { registerReportCommand } from './commands/report.ts';
import { registerSchemaCommands } from './commands/schema.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerTokenCommand } from './commands/token.ts';
import { ConfigError } from './errors.ts';

const program = new Command('linewatch')
  .description('Linewatch: integration observability for manufacturing')
  .showHelpAfterError()
  .exitOverride();

registerStartCommand(program);
registerTokenCommand(program);
registerSchemaCommands(program);
registerSimulateCommand(program);
registerReevaluateCommand(program);
registerReportCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof ConfigError) {
    process.stderr.write(`linewatch: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`linewatch: ${(e as Error).message}\n`);
  process.exit(1);
}
