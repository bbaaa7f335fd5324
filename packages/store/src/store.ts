import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StoreConfig } from '@linewatch/schema';
import { sql, type RawFragment, type SqlQuery } from './sql.ts';
import { StoreError, StoreLockedError } from './errors.ts';

type ChdbModule = typeof import('chdb'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- type of a lazily imported optional module
type ChdbConnectionModule = typeof import('chdb/connection'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- same

/** Options for an insert of encoded text. */
export interface InsertOptions {
  /**
   * Makes a repeated insert of the same data a no-op (tables need a deduplication window, or to be
   * Replicated). Letters, digits, `.`, `_`, `-` only; it is written into the statement's SETTINGS.
   */
  deduplicationToken?: string;
}

/** Options for a single read. */
export interface QueryOptions {
  /** Engine-side bound in seconds (chDB ignores client timeouts: CHDB-NOTES trap 6). */
  maxExecutionSeconds?: number;
}

/**
 * The one interface to ClickHouse. Embedded (chDB) and remote servers behave the same to callers:
 * writes go through one connection, reads through a small pool, and settings never leak between calls.
 */
export interface Store {
  readonly mode: 'embedded' | 'remote';
  readonly database: string;
  /** Cluster name when tables are Replicated/Distributed, else undefined. */
  readonly cluster: string | undefined;
  /** Absolute data directory in embedded mode. */
  readonly dataDir: string | undefined;
  /** A qualified, quoted table name for use in `sql` templates. */
  table(name: string): RawFragment;
  /** Runs a read and returns its rows (keep results small: they are fully buffered). */
  query<T = Record<string, unknown>>(q: SqlQuery, options?: QueryOptions): Promise<T[]>;
  /** Runs a statement without a result (DDL, INSERT … SELECT, lightweight DELETE) on the write connection. */
  command(q: SqlQuery): Promise<void>;
  /** Inserts rows as JSONEachRow on the write connection. */
  insert(table: string, rows: readonly object[]): Promise<void>;
  /**
   * Inserts text already encoded in `format` (JSONEachRow, TSV, CSV …): a string, Buffer or stream.
   * The bytes are handed to the engine as they are, with no per-row work in JavaScript.
   */
  insertRaw(
    table: string,
    format: string,
    body: string | Buffer | Readable,
    options?: InsertOptions,
  ): Promise<void>;
  /** Embedded only: the engine reads a file on this machine directly (`INSERT … SELECT FROM file()`). */
  insertFile(table: string, path: string, format: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// Settings sent with every request by the client (never per call: CHDB-NOTES trap 1).
const COMMON_SETTINGS: ClickHouseSettings = {
  // 64-bit integers as JSON numbers, the same on embedded and server. Values that need all 64 bits
  // (nanosecond timestamps) are selected as strings or DateTime64 by the queries that need them.
  output_format_json_quote_64bit_integers: 0,
  date_time_input_format: 'best_effort',
  input_format_skip_unknown_fields: 1,
  // A lone UTF-16 surrogate in a string ("\ud800", which JSON.stringify writes for one) is stored
  // as it is instead of refusing the whole insert (found by fuzzing the ingest decoders).
  input_format_json_throw_on_bad_escape_sequence: 0,
};

interface EmbeddedEngine {
  path: string;
  session: { close?: () => void; cleanup?: () => void };
  createConnection: () => unknown;
  refs: number;
}
let engine: EmbeddedEngine | undefined;

/**
 * The pid of another live process holding the data directory, if any. chDB reports only
 * "Failed to create connection" (the lock message goes to stderr), so read the engine's status
 * file, which names the owner's pid while it runs (a kill -9 leaves a stale file with a dead pid).
 */
function lockOwner(path: string): number | undefined {
  try {
    const pid = Number(/^PID:\s*(\d+)/m.exec(readFileSync(join(path, 'status'), 'utf8'))?.[1]);
    if (!pid || pid === process.pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function openEngine(config: StoreConfig): Promise<EmbeddedEngine> {
  const path = resolve(config.dataDir);
  if (engine) {
    if (engine.path !== path)
      throw new StoreError(
        `this process already has the embedded store open at ${engine.path}; chDB opens one path per process`,
        false,
      );
    engine.refs++;
    return engine;
  }
  mkdirSync(path, { recursive: true });
  // chdb is an optionalDependency, loaded only in embedded mode so server deployments never need it.
  let chdb: ChdbModule;
  let connection: ChdbConnectionModule;
  try {
    chdb = await import('chdb');
    connection = await import('chdb/connection');
  } catch (e) {
    throw new StoreError(
      'embedded mode needs the optional package "chdb" (npm install chdb), or set store.mode: remote',
      false,
      { cause: e },
    );
  }
  try {
    // The memory limit can only be set by the first Session on a path (CHDB-NOTES trap 7).
    const session = new chdb.Session(path, {
      connectionArgs: [`--max_server_memory_usage=${config.maxMemoryBytes}`],
    });
    engine = { path, session, createConnection: () => connection.createChdbConnection({ path }), refs: 1 };
    return engine;
  } catch (e) {
    const owner = lockOwner(path);
    if (owner !== undefined) throw new StoreLockedError(path, owner, { cause: e });
    throw new StoreError(`cannot open the embedded store at ${path}: ${(e as Error).message}`, false, {
      cause: e,
    });
  }
}

function releaseEngine(): void {
  if (!engine) return;
  if (--engine.refs > 0) return;
  const s = engine.session;
  engine = undefined;
  (s.close ?? s.cleanup)?.call(s);
}

function mapError(e: unknown, what: string): StoreError {
  if (e instanceof StoreError) return e;
  const err = e as { message?: string; code?: string };
  const message = err.message ?? String(e);
  // Connection failures are worth retrying; a statement the engine rejected is not.
  const retryable =
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|Timeout|MEMORY_LIMIT|TOO_MANY_PARTS|TOO_MANY_SIMULTANEOUS/i.test(
      message + (err.code ?? ''),
    );
  return new StoreError(`${what}: ${message}`, retryable, { cause: e });
}

/** Opens the store described by `config`: chDB in this process, or a ClickHouse server. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const database = config.database;
  const settings: ClickHouseSettings = { ...COMMON_SETTINGS, max_execution_time: config.maxQuerySeconds };
  let writer: ClickHouseClient;
  const readers: ClickHouseClient[] = [];
  let dataDir: string | undefined;

  if (config.mode === 'embedded') {
    const eng = await openEngine(config);
    dataDir = eng.path;
    const make = () =>
      // The chDB connection implements the client's Connection contract; its types come from a
      // copy of @clickhouse/client-common that TypeScript sees as distinct.
      createClient({ connection: eng.createConnection() as never, clickhouse_settings: settings });
    writer = make();
    for (let i = 0; i < config.readConnections; i++) readers.push(make());
  } else {
    const url = new URL(config.url as string);
    const make = () =>
      createClient({
        url: `${url.protocol}//${url.host}`,
        username: decodeURIComponent(url.username) || 'default',
        password: decodeURIComponent(url.password),
        clickhouse_settings: settings,
        request_timeout: (config.maxQuerySeconds + 5) * 1000,
        compression: { request: false, response: true },
      });
    writer = make();
    readers.push(make());
  }

  let next = 0;
  const reader = () => readers[next++ % readers.length] as ClickHouseClient;
  let closed = false;

  const store: Store = {
    mode: config.mode,
    database,
    cluster: config.cluster,
    dataDir,
    table: (name) => sql.id(database, name),
    async query<T>(q: SqlQuery, options?: QueryOptions): Promise<T[]> {
      try {
        const rs = await reader().query({
          query: options?.maxExecutionSeconds
            ? `${q.text}\nSETTINGS max_execution_time = ${Math.max(1, Math.floor(options.maxExecutionSeconds))}`
            : q.text,
          query_params: q.params,
          format: 'JSONEachRow',
        });
        return await rs.json<T>();
      } catch (e) {
        throw mapError(e, 'query failed');
      }
    },
    async command(q) {
      try {
        await writer.command({ query: q.text, query_params: q.params });
      } catch (e) {
        throw mapError(e, 'statement failed');
      }
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      try {
        await writer.insert({
          table: `${database}.${table}`,
          values: rows,
          format: 'JSONEachRow',
        });
      } catch (e) {
        throw mapError(e, `insert into ${table} failed`);
      }
    },
    async insertRaw(table, format, body, options) {
      sql.id(table);
      sql.id(format);
      const token = options?.deduplicationToken;
      if (token !== undefined && !/^[\w.-]{1,200}$/.test(token))
        throw new StoreError(`invalid deduplication token ${JSON.stringify(token)}`, false);
      // Settings go in the statement, never per call (CHDB-NOTES trap 1: they would stick to the connection).
      const insert = `INSERT INTO ${database}.${table}${token ? ` SETTINGS insert_deduplication_token = '${token}'` : ''} FORMAT ${format}`;
      try {
        if (config.mode === 'embedded') {
          // The chDB connection appends the body to the statement text (CHDB-NOTES trap 8), so text formats only.
          const text =
            typeof body === 'string'
              ? body
              : Buffer.isBuffer(body)
                ? body.toString('utf8')
                : await streamToString(body);
          await writer.command({ query: `${insert}\n${text}` });
        } else {
          // The bytes go to the server as the request body, as they are: client.insert would only take
          // JSON formats as objects (re-encoded row by row in JavaScript).
          const values = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([body]) : body;
          const result = await writer.exec({ query: insert, values });
          result.stream.resume();
          await new Promise<void>((done, fail) => {
            result.stream.once('end', done);
            result.stream.once('error', fail);
          });
        }
      } catch (e) {
        throw mapError(e, `insert into ${table} failed`);
      }
    },
    async insertFile(table, path, format) {
      if (config.mode !== 'embedded')
        throw new StoreError('insertFile needs the embedded store; use insertRaw with a stream', false);
      sql.id(table);
      sql.id(format);
      try {
        await writer.command({
          query: `INSERT INTO ${database}.${table} SELECT * FROM file({path:String}, ${format})`,
          query_params: { path: resolve(path) },
        });
      } catch (e) {
        throw mapError(e, `insert from ${path} into ${table} failed`);
      }
    },
    async ping() {
      try {
        const r = await reader().query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
        await r.json();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([writer.close(), ...readers.map((r) => r.close())]);
      if (config.mode === 'embedded') releaseEngine();
    },
  };
  return store;
}

async function streamToString(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
