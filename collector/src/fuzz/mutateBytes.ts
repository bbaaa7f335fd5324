import fc from 'fast-check';

/** How one mutation damages a protobuf body (`at` is taken modulo the body's length). */
export type ByteMutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'hugeLength'; at: number; field: number; length: number };

/** A varint as protobuf encodes it. */
export function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A length-delimited field: tag, length, bytes. */
export function lengthDelimited(field: number, bytes: Uint8Array | number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

/** Applies mutations to a copy of `body`. */
export function applyByteMutations(body: Uint8Array, mutations: readonly ByteMutation[]): Uint8Array {
  let b = Array.from(body);
  for (const m of mutations) {
    const at = b.length ? m.at % (b.length + 1) : 0;
    switch (m.op) {
      case 'flip':
        if (at < b.length) b[at] = (b[at] as number) ^ (1 << m.bit);
        break;
      case 'set':
        if (at < b.length) b[at] = m.byte;
        break;
      case 'insert':
        b.splice(at, 0, ...m.bytes);
        break;
      case 'delete':
        b.splice(at, m.length);
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'duplicate':
        b.splice(at, 0, ...b.slice(at, at + m.length));
        break;
      case 'hugeLength':
        // A length-delimited field declaring far more bytes than the body holds.
        b.splice(at, 0, ...varint((m.field << 3) | 2), ...varint(m.length));
        break;
    }
  }
  return Uint8Array.from(b);
}

/** One mutation of a protobuf body. */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('flip' as const),
      at: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      at: fc.nat(),
      byte: fc.constantFrom(0x00, 0x08, 0x0a, 0x12, 0x7f, 0x80, 0xff, 0xfa, 0x2a),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('delete' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 16 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('duplicate' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 64 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('hugeLength' as const),
      at: fc.nat(),
      field: fc.integer({ min: 1, max: 12 }),
      length: fc.constantFrom(2 ** 31 - 1, 2 ** 32 - 1, 2 ** 28, 1e15),
    }),
  },
);

/**
 * An ExportTraceServiceRequest (protobuf) whose one span has an attribute whose AnyValue nests
 * `depth` arrays deep: about 4 bytes a level, so a body under the size limit can nest 100k levels.
 */
export function deepProtobufTraceRequest(depth: number): Uint8Array {
  // AnyValue { array_value(5): ArrayValue { values(1): AnyValue … } }, built inside out: each level
  // only prefixes two tags and lengths, so the prefixes are collected and joined once.
  const inner = lengthDelimited(1, Buffer.from('x'));
  const prefixes: number[][] = [];
  let size = inner.length;
  for (let i = 0; i < depth; i++) {
    const values = [...varint((1 << 3) | 2), ...varint(size)];
    size += values.length;
    const arrayValue = [...varint((5 << 3) | 2), ...varint(size)];
    size += arrayValue.length;
    prefixes.push(values, arrayValue);
  }
  const value = Buffer.concat([...prefixes.reverse().map((p) => Buffer.from(p)), Buffer.from(inner)]);
  const attribute = [...lengthDelimited(1, Buffer.from('deep')), ...lengthDelimited(2, value)];
  const span = [
    ...lengthDelimited(1, Buffer.alloc(16, 0x11)),
    ...lengthDelimited(2, Buffer.alloc(8, 0x22)),
    ...lengthDelimited(5, Buffer.from('deep span')),
    ...lengthDelimited(9, attribute),
  ];
  const scopeSpans = lengthDelimited(2, span);
  const resourceSpans = lengthDelimited(2, scopeSpans);
  return Uint8Array.from(lengthDelimited(1, resourceSpans));
}
