/**
 * The `sql` tagged template: every hole becomes a ClickHouse query parameter `{pN:Type}`,
 * so values never reach the SQL text. Identifiers (database and table names) go through
 * `sql.id`, which only accepts plain identifiers and quotes them.
 */

export type ClickHouseType = string;

const kind = Symbol('linewatch.sql');

/** A parameterised statement: SQL text with `{pN:Type}` placeholders and their values. */
export interface SqlQuery {
  readonly [kind]: 'query';
  readonly text: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A value with an explicit ClickHouse type, e.g. `sql.param(ts, 'DateTime64(9)')`. */
export interface TypedParam {
  readonly [kind]: 'param';
  readonly value: unknown;
  readonly type: ClickHouseType;
}

/** A trusted SQL fragment: a validated identifier or a keyword chosen by code. */
export interface RawFragment {
  readonly [kind]: 'raw';
  readonly text: string;
}

type Hole =
  SqlQuery | TypedParam | RawFragment | string | number | bigint | boolean | Date | null | readonly unknown[];

export class SqlError extends Error {
  override readonly name = 'SqlError';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isTagged(v: unknown): v is SqlQuery | TypedParam | RawFragment {
  return typeof v === 'object' && v !== null && kind in v;
}

/** Infers the ClickHouse type of a plain JS value; throws for values whose type is ambiguous. */
export function inferType(value: unknown): ClickHouseType {
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Bool';
  if (typeof value === 'bigint') return 'Int64';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SqlError(`cannot bind non-finite number ${value}`);
    return Number.isInteger(value) ? 'Int64' : 'Float64';
  }
  if (value instanceof Date) return 'DateTime64(3)';
  if (value === null) return 'Nullable(String)';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'Array(String)';
    return `Array(${inferType(value[0])})`;
  }
  throw new SqlError(`cannot infer a ClickHouse type for ${typeof value}; use sql.param(value, type)`);
}

function encodeValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(encodeValue);
  return value;
}

function build(strings: readonly string[], holes: readonly Hole[]): SqlQuery {
  let text = '';
  const params: Record<string, unknown> = {};
  let n = 0;
  const add = (value: unknown, type: ClickHouseType): string => {
    const name = `p${n++}`;
    params[name] = encodeValue(value);
    return `{${name}:${type}}`;
  };
  strings.forEach((s, i) => {
    text += s;
    if (i >= holes.length) return;
    const hole = holes[i];
    if (isTagged(hole)) {
      if (hole[kind] === 'raw') text += hole.text;
      else if (hole[kind] === 'param') text += add(hole.value, hole.type);
      else {
        // Nested query: renumber its parameters into ours.
        let inner = hole.text;
        const renames: [string, string][] = [];
        for (const [k, v] of Object.entries(hole.params)) {
          const name = `p${n++}`;
          params[name] = v;
          renames.push([k, name]);
        }
        inner = inner.replace(/\{(p\d+):/g, (m, k: string) => {
          const found = renames.find(([from]) => from === k);
          return found ? `{${found[1]}:` : m;
        });
        text += inner;
      }
    } else {
      text += add(hole, inferType(hole));
    }
  });
  return { [kind]: 'query', text, params };
}

/**
 * Builds a parameterised query.
 * @example sql`SELECT count() FROM ${store.table('otel_traces')} WHERE ServiceName = ${service}`
 */
export function sql(strings: TemplateStringsArray, ...holes: Hole[]): SqlQuery {
  return build(strings, holes);
}

/** Binds a value with an explicit ClickHouse type. */
sql.param = (value: unknown, type: ClickHouseType): TypedParam => ({ [kind]: 'param', value, type });

/** A quoted identifier, optionally qualified (`sql.id('db', 'table')`); rejects anything but [A-Za-z0-9_]. */
sql.id = (...parts: string[]): RawFragment => {
  for (const p of parts) if (!IDENT.test(p)) throw new SqlError(`invalid identifier: ${JSON.stringify(p)}`);
  return { [kind]: 'raw', text: parts.map((p) => `\`${p}\``).join('.') };
};

/**
 * A fixed keyword chosen from an allow-list by code, never by input (sort direction, aggregate name).
 * @example sql.keyword(dir, ['ASC', 'DESC'])
 */
sql.keyword = <T extends string>(word: T, allowed: readonly T[]): RawFragment => {
  if (!allowed.includes(word))
    throw new SqlError(`keyword ${JSON.stringify(word)} not in ${allowed.join(', ')}`);
  return { [kind]: 'raw', text: word };
};

/** Joins fragments with a separator, e.g. filters with ' AND '. */
sql.join = (parts: readonly SqlQuery[], separator: string): SqlQuery => {
  if (parts.length === 0) return build([''], []);
  const strings = ['', ...parts.slice(1).map(() => separator), ''];
  return build(strings, parts);
};

/** An empty fragment, for optional clauses. */
sql.empty = (): SqlQuery => build([''], []);

/** True if a value is a query built by `sql`. */
export function isSqlQuery(v: unknown): v is SqlQuery {
  return isTagged(v) && v[kind] === 'query';
}

/** Internal: wraps DDL text built from code and validated identifiers (DDL takes no parameters). Not exported by the package. */
export function trustedStatement(text: string): SqlQuery {
  return { [kind]: 'query', text, params: {} };
}
