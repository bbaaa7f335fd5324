import fc from 'fast-check';

/** A place in a JSON tree: object keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

/** How one mutation changes a JSON tree at the path it picks (`at` selects among all paths). */
export type JsonMutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; key: string; value: unknown }
  | { op: 'wrap'; at: number; inArray: boolean }
  | { op: 'retype'; at: number };

/** Nesting depths a sender may try; past ~10k levels a recursive walk overflows the stack. */
export type DeepKind = 'array' | 'object' | 'anyArray' | 'anyKvlist';

// Deep values are spliced into the JSON text after JSON.stringify (which would itself overflow on them).
const DEEP_TOKEN = /"\\u0001deep:(array|object|anyArray|anyKvlist):(\d+)\\u0001"/g;

/** A placeholder for a value nested `depth` levels deep, expanded by `toJsonText`. */
export function deepValue(kind: DeepKind, depth: number): string {
  return `\u0001deep:${kind}:${depth}\u0001`;
}

function deepText(kind: DeepKind, depth: number): string {
  switch (kind) {
    case 'array':
      return '['.repeat(depth) + ']'.repeat(depth);
    case 'object':
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    case 'anyArray':
      return '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"x"}' + ']}}'.repeat(depth);
    case 'anyKvlist':
      return (
        '{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth) +
        '{"intValue":"1"}' +
        '}]}}'.repeat(depth)
      );
  }
}

/** JSON text of a (mutated) tree, with deep placeholders expanded. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(DEEP_TOKEN, (_m, kind: string, depth: string) =>
    deepText(kind as DeepKind, Number(depth)),
  );
}

/** Every path of a tree (the root first), up to `max` of them. */
export function pathsOf(root: unknown, max = 5000): JsonPath[] {
  const out: JsonPath[] = [];
  const stack: { v: unknown; p: JsonPath }[] = [{ v: root, p: [] }];
  while (stack.length && out.length < max) {
    const { v, p } = stack.pop() as { v: unknown; p: JsonPath };
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, p: [...p, i] }));
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) stack.push({ v: x, p: [...p, k] });
  }
  return out;
}

function parentOf(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const part of path.slice(0, -1)) v = (v as Record<string | number, unknown>)[part];
  return v;
}

function retype(v: unknown): unknown {
  if (typeof v === 'string') return v === '' ? 0 : Number.isNaN(Number(v)) ? [v] : Number(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 0;
  if (v === null || v === undefined) return {};
  if (Array.isArray(v)) return v.length ? v[0] : {};
  return Object.values(v);
}

/**
 * Applies mutations to a copy of `root`, each at one of the tree's paths (`at` modulo their
 * number), and returns the copy. The root itself can be replaced.
 */
export function applyJsonMutations(root: unknown, mutations: readonly JsonMutation[]): unknown {
  let tree = structuredClone(root);
  for (const m of mutations) {
    const paths = pathsOf(tree);
    const path = paths[m.at % paths.length] as JsonPath;
    const key = path[path.length - 1];
    const current = path.reduce<unknown>((v, part) => (v as Record<string | number, unknown>)[part], tree);
    let next: unknown;
    switch (m.op) {
      case 'replace':
        next = structuredClone(m.value); // a copy: one generated value used twice would make a cycle
        break;
      case 'wrap':
        next = m.inArray ? [current] : { value: current };
        break;
      case 'retype':
        next = retype(current);
        break;
      case 'insert':
        if (Array.isArray(current)) current.push(structuredClone(m.value));
        else if (current !== null && typeof current === 'object')
          Object.defineProperty(current, m.key, {
            value: structuredClone(m.value),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        continue;
      case 'delete':
        if (key === undefined) {
          tree = undefined;
          continue;
        }
        {
          const parent = parentOf(tree, path);
          if (Array.isArray(parent)) parent.splice(key as number, 1);
          else delete (parent as Record<string, unknown>)[key];
        }
        continue;
    }
    if (key === undefined) tree = next;
    else {
      const parent = parentOf(tree, path) as Record<string | number, unknown>;
      // defineProperty: a "__proto__" key stays an own data property, as JSON.parse makes it.
      Object.defineProperty(parent, key, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return tree;
}

/** Strings that have broken decoders: numeric text, ids, times, prototype names, lone surrogates. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '-1',
    '1e9',
    '0x10',
    ' 1',
    '18446744073709551615',
    '18446744073709551616',
    '99999999999999999999',
    '9223372036854775808',
    '-9223372036854775809',
    '4294967296',
    'ff'.repeat(16),
    '00'.repeat(16),
    'zz'.repeat(8),
    'AAAAAAAAAAAAAAAAAAAAAA==',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '\u0000',
    '\ud800',
    '\udc00x',
    '\u2028',
    'é',
    '"},{',
    '\\',
    '2026-11-27T08:15:00Z',
    '9999-12-31T23:59:59Z',
    '0001-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    'SPAN_KIND_SERVER',
    'STATUS_CODE_ERROR',
    'AGGREGATION_TEMPORALITY_DELTA',
    'SEVERITY_NUMBER_ERROR',
    'biz.step',
    'service.name',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Numbers at the edges of the integer and float types the columns hold. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    -1,
    -0,
    0.5,
    -0.5,
    2 ** 31,
    2 ** 32,
    2 ** 32 + 1,
    2 ** 53,
    2 ** 63,
    2 ** 64,
    1e21,
    1e300,
    -1e300,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const deepArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom<DeepKind>('array', 'object', 'anyArray', 'anyKvlist'),
    fc.constantFrom(50, 2_000, 20_000, 120_000),
  )
  .map(([kind, depth]) => deepValue(kind, depth));

/** Any JSON value a careless or hostile sender may put anywhere: nasty scalars, containers, deep nesting. */
export const nastyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 4, arbitrary: nastyNumber },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, true, false, {}, [], [null], { stringValue: 1 }, { intValue: 'x' }),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) },
  { weight: 1, arbitrary: deepArb },
);

/** One mutation of a JSON tree. */
export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: nastyJsonValue }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      key: nastyString,
      value: nastyJsonValue,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('wrap' as const), at: fc.nat(), inArray: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('retype' as const), at: fc.nat() }) },
);

/** How JSON text is damaged after serialization: cut, a byte changed, bytes inserted. */
export type TextMutation =
  { op: 'none' } | { op: 'truncate'; at: number } | { op: 'insert'; at: number; text: string };

/** One damage to JSON text (mostly none, so that most bodies still parse). */
export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ op: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.constantFrom(',', '"', '{', ']', '\u0000', '\\u', '\ufeff', 'null', '\ud800'),
    }),
  },
);

/** Applies a text mutation. */
export function mutateText(text: string, m: TextMutation): string {
  if (m.op === 'none' || text.length === 0) return text;
  const at = m.at % text.length;
  return m.op === 'truncate' ? text.slice(0, at) : text.slice(0, at) + m.text + text.slice(at);
}
