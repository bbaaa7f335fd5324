import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { formatIssues, LinewatchConfigSchema, RoleSchema, type LinewatchConfig } from '@linewatch/schema';
import { ConfigError } from './errors.ts';

/**
 * Secrets named by the config (`passwordEnv`, `secretEnv`, `urlEnv`) are read from the environment
 * through this lookup, never copied into the config object, so they cannot end up in a logged config.
 */
export function environmentSecret(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The raw, not yet validated configuration tree (YAML, env and flags merged). */
export type RawConfig = { [key: string]: unknown };

/** Environment variables that override the file (the only place process.env is read for config). */
const ENV_OVERRIDES: Record<string, (cfg: RawConfig, value: string) => void> = {
  LINEWATCH_DATA_DIR: (c, v) => (child(c, 'store').dataDir = v),
  LINEWATCH_CLICKHOUSE_URL: (c, v) => {
    const store = child(c, 'store');
    store.mode = 'remote';
    store.url = v;
    // The database may be given as the URL path: http://user:pw@host:8123/linewatch
    const path = safeUrlPath(v);
    if (path) store.database = path;
  },
  LINEWATCH_CLICKHOUSE_CLUSTER: (c, v) => (child(c, 'store').cluster = v),
  // One address for every listener (API, OTLP/HTTP, OTLP/gRPC), e.g. 0.0.0.0 in a container.
  LINEWATCH_HOST: (c, v) => {
    child(c, 'server').host = v;
    const collector = child(c, 'collector');
    child(collector, 'otlpHttp').host = v;
    child(collector, 'otlpGrpc').host = v;
  },
  LINEWATCH_PORT: (c, v) => (child(c, 'server').port = Number(v)),
  LINEWATCH_LOG_LEVEL: (c, v) => (child(c, 'log').level = v),
  LINEWATCH_ROLES: (c, v) => (c.roles = v.split(',').map((r) => r.trim())),
};

/** The child mapping at `key`, created when absent. */
export function child(c: RawConfig, key: string): RawConfig {
  if (typeof c[key] !== 'object' || c[key] === null) c[key] = {};
  return c[key] as RawConfig;
}

function safeUrlPath(url: string): string | undefined {
  try {
    const p = new URL(url).pathname.replace(/^\/+|\/+$/g, '');
    return p || undefined;
  } catch {
    return undefined;
  }
}

export interface LoadConfigOptions {
  /** Path from --config; falls back to LINEWATCH_CONFIG, then ./linewatch.yaml if it exists. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Values that win over file and env (CLI flags). */
  overrides?: (raw: RawConfig) => void;
}

/** Where the config came from, for the start log. */
export interface LoadedConfig {
  config: LinewatchConfig;
  source: string;
}

/** The merged but not yet validated configuration, and the file it came from. */
export interface RawLoadedConfig {
  raw: RawConfig;
  path: string | undefined;
}

/** Reads linewatch.yaml and applies the environment and `overrides`, without validating. */
export function readRawConfig(options: LoadConfigOptions = {}): RawLoadedConfig {
  const env = options.env ?? process.env;
  const explicit = options.path ?? env.LINEWATCH_CONFIG;
  const path = explicit ?? (existsSync('linewatch.yaml') ? 'linewatch.yaml' : undefined);
  let raw: RawConfig = {};
  if (path) {
    const full = resolve(path);
    if (!existsSync(full)) throw new ConfigError([`${path}: file not found`]);
    try {
      raw = (parseYaml(readFileSync(full, 'utf8')) as RawConfig | null) ?? {};
    } catch (e) {
      throw new ConfigError([`${path}: ${(e as Error).message}`], { cause: e });
    }
    if (typeof raw !== 'object' || Array.isArray(raw))
      throw new ConfigError([`${path}: expected a mapping at the top level`]);
  }
  for (const [name, apply] of Object.entries(ENV_OVERRIDES)) {
    const v = env[name];
    if (v !== undefined && v !== '') apply(raw, v);
  }
  options.overrides?.(raw);
  return { raw, path };
}

/** Validates a raw configuration; throws ConfigError listing every problem as `source: path: message`. */
export function parseConfig({ raw, path }: RawLoadedConfig): LoadedConfig {
  const parsed = LinewatchConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(path ?? 'config', parsed.error));
  return { config: parsed.data, source: path ? resolve(path) : '(defaults and environment)' };
}

/**
 * Reads linewatch.yaml and the environment into a validated config.
 * Throws ConfigError listing every problem as `source: path: message`.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  return parseConfig(readRawConfig(options));
}

/** Parses `--roles api,collector` into roles, or throws ConfigError. */
export function parseRoles(text: string): LinewatchConfig['roles'] {
  const roles = text.split(',').map((r) => r.trim());
  const issues = roles.flatMap((r) =>
    RoleSchema.safeParse(r).success ? [] : [`--roles: unknown role "${r}" (api, collector, worker)`],
  );
  if (issues.length) throw new ConfigError(issues);
  return roles as LinewatchConfig['roles'];
}
