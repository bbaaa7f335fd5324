import type { Command } from 'commander';
import { FlowFileError, FlowRegistry, reevaluate } from '@linewatch/correlation';
import { parseDuration, ReevaluateResultSchema, type ReevaluateResult } from '@linewatch/schema';
import { migrate, openStore, StoreLockedError } from '@linewatch/store';
import { loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';

interface ReevaluateOptions {
  flow: string;
  from: string;
  to?: string;
  config?: string;
  server?: string;
  token?: string;
}

/** A time given as RFC 3339, or as a duration before now ("7d" = seven days ago). */
export function parseWhen(flag: string, text: string, now: number): number {
  const ago = parseDuration(text);
  if (ago !== undefined) return now - ago;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text))
    throw new ConfigError([
      `${flag}: expected an RFC 3339 time like 2026-11-27T08:00:00Z or a duration like "7d", got "${text}"`,
    ]);
  return ms;
}

/** Asks a running server to reevaluate (its embedded store is locked to it). */
async function throughServer(
  server: string,
  token: string | undefined,
  flow: string,
  from: number,
  to: number,
): Promise<ReevaluateResult> {
  const url = new URL(`/api/v1/flows/${encodeURIComponent(flow)}/reevaluate`, server);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ from: new Date(from).toISOString(), to: new Date(to).toISOString() }),
  });
  const body: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? res.statusText;
    throw new ConfigError([`${url.toString()}: ${res.status} ${message}`]);
  }
  return ReevaluateResultSchema.parse(body);
}

/**
 * `linewatch reevaluate --flow F --from T [--to T]`: derives again the statuses of a flow's
 * transactions in a range after its definition changed. Opens the store directly, or, with
 * `--server`, asks a running Linewatch (whose embedded store no other process may open).
 */
export function registerReevaluateCommand(program: Command): void {
  program
    .command('reevaluate')
    .description(
      're-derive the statuses of a flow’s transactions in a time range after its definition changed',
    )
    .requiredOption('--flow <id>', 'the flow id')
    .requiredOption('--from <time>', 'RFC 3339 time, or a duration before now ("7d")')
    .option('--to <time>', 'RFC 3339 time, or a duration before now (default: now)')
    .option('-c, --config <file>', 'linewatch.yaml (default: $LINEWATCH_CONFIG or ./linewatch.yaml)')
    .option(
      '--server <url>',
      'a running Linewatch to ask instead of opening the store (e.g. http://127.0.0.1:8080)',
    )
    .option('--token <token>', 'a token with the operate scope, for --server')
    .action(async (opts: ReevaluateOptions) => {
      const now = Date.now();
      const from = parseWhen('--from', opts.from, now);
      const to = opts.to !== undefined ? parseWhen('--to', opts.to, now) : now;
      if (from >= to) throw new ConfigError(['--from: must be before --to']);
      let result: ReevaluateResult;
      if (opts.server) {
        result = await throughServer(opts.server, opts.token, opts.flow, from, to);
      } else {
        const { config } = loadConfig({ path: opts.config });
        let flows: FlowRegistry;
        try {
          flows = FlowRegistry.open({ dir: config.paths.flows });
        } catch (e) {
          if (e instanceof FlowFileError) throw new ConfigError(e.issues, { cause: e });
          throw e;
        }
        if (!flows.get(opts.flow))
          throw new ConfigError([`--flow: no flow "${opts.flow}" in ${config.paths.flows}`]);
        let store;
        try {
          store = await openStore(config.store);
        } catch (e) {
          if (e instanceof StoreLockedError)
            throw new ConfigError(
              [
                `${e.message}: ask it instead with --server http://${config.server.host}:${config.server.port} --token <operate token>`,
              ],
              { cause: e },
            );
          throw e;
        }
        try {
          await migrate(store, config.retention);
          result = await reevaluate(store, flows.snapshot(), {
            flow: opts.flow,
            from,
            to,
            now,
            clockSkew: config.correlation.clockSkew,
          });
        } finally {
          await store.close();
        }
      }
      process.stdout.write(
        `reevaluated ${result.flow} from ${result.from} to ${result.to}: ${result.evaluated} transactions, ${result.changed} changed (${result.ms} ms)\n`,
      );
    });
}
