import type { Command } from 'commander';
import { stringify } from 'yaml';
import { DurationSchema, ScopeSchema, type Scope } from '@linewatch/schema';
import { migrate, openStore, StoreLockedError, type Store } from '@linewatch/store';
import { createToken } from '../auth.ts';
import { loadConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { loadPrincipals, loadTokens } from '../access/accessStore.ts';
import type { AuditActor } from '../access/audit.ts';
import {
  AccessChangeError,
  createPrincipal,
  issueToken,
  publicToken,
  revokeToken,
  rotateToken,
  type ChangeContext,
} from '../access/manage.ts';

// `linewatch token`: stored tokens (hashed in ClickHouse, revocable on a running cluster) managed
// either through a running server's admin API (`--server URL --token <admin token>`) or directly in
// a stopped embedded data directory (`--data-dir DIR`, or the configured store). Without either,
// `token create` prints a static token for linewatch.yaml as before.

const CLI_ACTOR: AuditActor = { id: 'cli', kind: 'local', name: `cli:${process.env.USER ?? 'unknown'}` };

interface Target {
  server?: string;
  token?: string;
  dataDir?: string;
  config?: string;
}

interface PublicToken {
  id: string;
  principalId: string;
  name: string;
  state: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  replacedBy: string | null;
}
interface PrincipalSummary {
  id: string;
  kind: 'user' | 'service';
  name: string;
}

/** The two ways of making a change: the admin API of a running server, or the store itself. */
interface Backend {
  principals(): Promise<PrincipalSummary[]>;
  createServiceAccount(input: {
    name: string;
    scopes: Scope[];
    plants: string[];
    systems: string[];
  }): Promise<PrincipalSummary>;
  issue(
    principalId: string,
    name: string | undefined,
    expiresAt: number | undefined,
  ): Promise<{ token: string; record: PublicToken }>;
  list(): Promise<PublicToken[]>;
  revoke(id: string): Promise<PublicToken>;
  rotate(
    id: string,
    overlapMinutes: number,
  ): Promise<{ token: string; record: PublicToken; previous?: PublicToken }>;
  close(): Promise<void>;
}

function apiBackend(server: string, token: string | undefined): Backend {
  if (!token) throw new ConfigError(['--token: an admin token is required with --server']);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(path, server), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json().catch(() => ({}))) as T & { error?: { message: string } };
    if (!res.ok)
      throw new ConfigError([`${method} ${path}: ${res.status} ${json.error?.message ?? res.statusText}`]);
    return json;
  };
  return {
    principals: async () =>
      (await call<{ principals: PrincipalSummary[] }>('GET', '/api/v1/principals')).principals,
    createServiceAccount: (input) => call('POST', '/api/v1/principals', { kind: 'service', ...input }),
    issue: (principalId, name, expiresAt) =>
      call('POST', '/api/v1/tokens', {
        principalId,
        ...(name ? { name } : {}),
        ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
      }),
    list: async () => (await call<{ tokens: PublicToken[] }>('GET', '/api/v1/tokens')).tokens,
    revoke: (id) => call('POST', `/api/v1/tokens/${encodeURIComponent(id)}/revoke`, {}),
    rotate: (id, overlapMinutes) =>
      call('POST', `/api/v1/tokens/${encodeURIComponent(id)}/rotate`, { overlapMinutes }),
    close: () => Promise.resolve(),
  };
}

async function storeBackend(target: Target): Promise<Backend> {
  const { config } = loadConfig({
    path: target.config,
    overrides: (raw) => {
      if (target.dataDir) {
        const store = (raw.store ?? {}) as Record<string, unknown>;
        store.dataDir = target.dataDir;
        raw.store = store;
      }
    },
  });
  let store: Store;
  try {
    store = await openStore(config.store);
  } catch (e) {
    if (e instanceof StoreLockedError)
      throw new ConfigError([`${e.message}: use --server <url> --token <admin token> while it runs`], {
        cause: e,
      });
    throw e;
  }
  await migrate(store, config.retention);
  const ctx = (): ChangeContext => ({ store, actor: CLI_ACTOR, now: Date.now(), address: 'cli' });
  const mapped = async <T>(work: () => Promise<T>) => {
    try {
      return await work();
    } catch (e) {
      if (e instanceof AccessChangeError) throw new ConfigError([e.message], { cause: e });
      throw e;
    }
  };
  return {
    principals: () => loadPrincipals(store),
    createServiceAccount: (input) => mapped(() => createPrincipal(ctx(), { kind: 'service', ...input })),
    issue: (principalId, name, expiresAt) =>
      mapped(async () => {
        const c = ctx();
        const r = await issueToken(c, { principalId, name, expiresAt });
        return { token: r.token, record: publicToken(r.record, c.now) };
      }),
    list: async () => (await loadTokens(store)).map((t) => publicToken(t, Date.now())),
    revoke: (id) =>
      mapped(async () => {
        const c = ctx();
        return publicToken(await revokeToken(c, id), c.now);
      }),
    rotate: (id, overlapMinutes) =>
      mapped(async () => {
        const c = ctx();
        const r = await rotateToken(c, id, { overlapMs: overlapMinutes * 60_000 });
        return {
          token: r.token,
          record: publicToken(r.record, c.now),
          previous: publicToken(r.previous, c.now),
        };
      }),
    close: () => store.close(),
  };
}

async function withBackend<T>(target: Target, work: (b: Backend) => Promise<T>): Promise<T> {
  const backend = target.server ? apiBackend(target.server, target.token) : await storeBackend(target);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}

function parseScopes(list: string[]): Scope[] {
  const scopes = list.flatMap((s) => s.split(','));
  const bad = scopes.filter((s) => !ScopeSchema.safeParse(s).success);
  if (bad.length)
    throw new ConfigError(bad.map((s) => `--scope: unknown scope "${s}" (ingest, read, operate, admin)`));
  return scopes as Scope[];
}

function parseExpiry(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const d = DurationSchema.safeParse(text);
  if (d.success) return now + d.data;
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new ConfigError([`--expires: "${text}" is neither a duration (90d) nor an RFC 3339 time`]);
  return at;
}

const table = (tokens: PublicToken[]) =>
  tokens
    .map((t) =>
      [
        t.id,
        t.state.padEnd(7),
        t.principalId,
        t.name,
        `expires ${t.expiresAt ?? 'never'}`,
        `last used ${t.lastUsedAt ?? 'never'}`,
      ].join('  '),
    )
    .join('\n');

const targetOptions = (cmd: Command) =>
  cmd
    .option('--server <url>', 'a running Linewatch (its admin API)')
    .option('--token <token>', 'an admin token, with --server')
    .option('--data-dir <dir>', 'a stopped embedded data directory (default: the configured store)')
    .option('-c, --config <file>', 'linewatch.yaml (default: $LINEWATCH_CONFIG or ./linewatch.yaml)');

/** `linewatch token create|list|revoke|rotate`. */
export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  targetOptions(
    token
      .command('create')
      .description(
        'issue a stored token for a service account (created if new) or a principal; without --server or --data-dir, print a static token for linewatch.yaml',
      )
      .option('--scope <scope...>', 'ingest, read, operate or admin (repeatable)')
      .option('--plant <plant...>', 'restrict to these plants')
      .option('--system <system...>', 'service accounts: the systems it may report for')
      .option(
        '--service-account <name>',
        'the service account to issue for (created with --scope/--plant/--system if new)',
      )
      .option('--principal <id>', 'an existing principal id to issue for')
      .option('--expires <when>', 'a duration (90d) or an RFC 3339 time')
      .option('--name <name>', 'a name for the token'),
  ).action(
    async (
      opts: Target & {
        scope?: string[];
        plant?: string[];
        system?: string[];
        serviceAccount?: string;
        principal?: string;
        expires?: string;
        name?: string;
      },
    ) => {
      const stored = opts.server || opts.dataDir || opts.serviceAccount || opts.principal;
      if (!stored) {
        if (!opts.scope) throw new ConfigError(['--scope: required for a static token']);
        const { token: value, entry } = createToken(
          opts.name ?? `token-${new Date().toISOString().slice(0, 10)}`,
          parseScopes(opts.scope),
          opts.plant ?? [],
        );
        process.stdout.write(
          `Token (shown once, store it now):\n\n  ${value}\n\nAdd to linewatch.yaml:\n\n${stringify({ auth: { tokens: [entry] } })}`,
        );
        return;
      }
      if (!opts.serviceAccount && !opts.principal)
        throw new ConfigError(['--service-account or --principal: whom the stored token is for']);
      const expiresAt = parseExpiry(opts.expires, Date.now());
      const issued = await withBackend(opts, async (b) => {
        let principalId = opts.principal;
        if (opts.serviceAccount) {
          const found = (await b.principals()).find(
            (p) => p.kind === 'service' && p.name === opts.serviceAccount,
          );
          if (found) principalId = found.id;
          else {
            if (!opts.scope)
              throw new ConfigError([`--scope: required to create service account "${opts.serviceAccount}"`]);
            const created = await b.createServiceAccount({
              name: opts.serviceAccount,
              scopes: parseScopes(opts.scope),
              plants: opts.plant ?? [],
              systems: opts.system ?? [],
            });
            principalId = created.id;
          }
        }
        return b.issue(principalId!, opts.name, expiresAt);
      });
      process.stdout.write(
        `Token ${issued.record.id} for ${issued.record.principalId} (shown once, store it now):\n\n  ${issued.token}\n\nexpires ${issued.record.expiresAt ?? 'never'}\n`,
      );
    },
  );

  targetOptions(
    token.command('list').description('stored tokens: id, state, principal, expiry, last use'),
  ).action(async (opts: Target) => {
    const tokens = await withBackend(opts, (b) => b.list());
    process.stdout.write(tokens.length ? `${table(tokens)}\n` : 'no stored tokens\n');
  });

  targetOptions(
    token.command('revoke <id>').description('revoke a token now (by its id, the part after lw_)'),
  ).action(async (id: string, opts: Target) => {
    const t = await withBackend(opts, (b) => b.revoke(id));
    process.stdout.write(`${t.id} ${t.state}\n`);
  });

  targetOptions(
    token
      .command('rotate <id>')
      .description('issue a replacement token; the old one stays valid for the overlap, then expires')
      .option('--overlap <duration>', 'how long both are valid', '60m'),
  ).action(async (id: string, opts: Target & { overlap: string }) => {
    const overlap = DurationSchema.safeParse(opts.overlap);
    if (!overlap.success) throw new ConfigError([`--overlap: "${opts.overlap}" is not a duration (60m, 1d)`]);
    const r = await withBackend(opts, (b) => b.rotate(id, overlap.data / 60_000));
    process.stdout.write(
      `Token ${r.record.id} replaces ${id} (shown once, store it now):\n\n  ${r.token}\n\n${id} stays valid until ${r.previous?.expiresAt ?? 'now'}\n`,
    );
  });
}
