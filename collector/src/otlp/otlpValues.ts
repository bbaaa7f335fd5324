import { OtlpItemError } from './errors.ts';
import type { BytesLike, Int64Like, OtlpAnyValue, OtlpKeyValue } from './types.ts';

const TWO_32 = 4294967296n;
const DIGITS = /^\d{1,20}$/;
const SIGNED_DIGITS = /^-?\d{1,20}$/;

/** True when a timestamp is absent or zero. */
export function nanosIsZero(v: Int64Like): boolean {
  if (v == null) return true;
  if (typeof v === 'object') return v.low === 0 && v.high === 0;
  return v === 0 || v === '0';
}

/**
 * Nanoseconds since the epoch as the decimal seconds text ClickHouse parses exactly into
 * DateTime64(9) ("1700000000.123456789"; a bare integer would be read as seconds). Avoids BigInt on
 * the protobuf path: it runs for every span, event and data point.
 */
export function nanosText(v: Int64Like, field: string): string {
  if (v == null) return ZERO_TIME;
  if (typeof v === 'object') return inRange(longNanosText(v.high >>> 0, v.low >>> 0), field);
  if (typeof v === 'string') {
    if (!DIGITS.test(v)) throw new OtlpItemError(field, 'expected unsigned nanoseconds as a decimal string');
    return inRange(decimalNanosText(v.replace(/^0+(?=\d)/, '')), field);
  }
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0)
    return inRange(decimalNanosText(BigInt(Math.trunc(v)).toString()), field);
  throw new OtlpItemError(field, 'expected unsigned nanoseconds');
}

// The engine reads a number of fewer than 9 digits before the point as a date (YYYYMMDD…), not as
// seconds, and refuses the row ("unexpected number of decimal digits": found by fuzzing), so the
// seconds are written with 10 digits: 0000000005.000000000 is 5 s after the epoch.
const ZERO_TIME = '0000000000.000000000';
/** The last second a DateTime64(9) holds: 2262-04-11T23:47:16Z. */
const MAX_SECONDS = 9223372036;

function inRange(text: string, field: string): string {
  if (text.length > 20 || (text.length === 20 && Number(text.slice(0, 10)) >= MAX_SECONDS))
    throw new OtlpItemError(field, 'out of range: after 2262-04-11, the latest time the store holds');
  return text;
}

function decimalNanosText(s: string): string {
  if (s.length <= 19) {
    const padded = s.padStart(19, '0');
    return `${padded.slice(0, 10)}.${padded.slice(10)}`;
  }
  return `${s.slice(0, -9)}.${s.slice(-9)}`;
}

function longNanosText(hi: number, lo: number): string {
  if (hi === 0 && lo === 0) return ZERO_TIME;
  // Past 2^62 ns (year 2116) the float arithmetic below would no longer be exact.
  if (hi >= 0x40000000) return decimalNanosText(((BigInt(hi) << 32n) | BigInt(lo)).toString());
  // hi * 2^32 is exact (a power-of-two scaling of a 30-bit integer) and so is q * 1e9 for q < 2^32
  // (1e9 = 2^9 * 1953125), so their difference, a small integer, is computed exactly.
  const hiPart = hi * 4294967296;
  let q = Math.floor((hiPart + lo) / 1e9);
  let rem = hiPart - q * 1e9 + lo;
  while (rem < 0) {
    rem += 1e9;
    q--;
  }
  while (rem >= 1e9) {
    rem -= 1e9;
    q++;
  }
  return `${String(q).padStart(10, '0')}.${String(rem).padStart(9, '0')}`;
}

/** end - start in nanoseconds (0 when end precedes start), exact below 2^53 ns (104 days). */
export function nanosDuration(start: Int64Like, end: Int64Like, field: string): number {
  if (typeof start === 'object' && start !== null && typeof end === 'object' && end !== null) {
    const d = ((end.high >>> 0) - (start.high >>> 0)) * 4294967296 + ((end.low >>> 0) - (start.low >>> 0));
    return d > 0 ? d : 0;
  }
  const s = BigInt(nanosText(start, field).replace('.', ''));
  const e = BigInt(nanosText(end, field).replace('.', ''));
  return e > s ? Number(e - s) : 0;
}

/** A signed 64-bit integer as a JS number (Float64 columns and counters; precision beyond 2^53 is not kept). */
export function int64Number(v: Int64Like, field: string, signed = true): number {
  if (v == null) return 0;
  if (typeof v === 'object') {
    const hi = signed && !v.unsigned ? v.high | 0 : v.high >>> 0;
    return hi * 4294967296 + (v.low >>> 0);
  }
  let n: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new OtlpItemError(field, 'expected an integer');
    n = Math.trunc(v);
  } else if (typeof v === 'string' && SIGNED_DIGITS.test(v)) n = Number(v);
  else throw new OtlpItemError(field, 'expected an integer (number or decimal string)');
  // OTLP/JSON can say anything; the store's UInt64 columns refuse a negative count (found by fuzzing).
  if (!signed && (n < 0 || n >= 2 ** 64))
    throw new OtlpItemError(field, 'expected an unsigned 64-bit integer');
  if (signed && (n < -(2 ** 63) || n >= 2 ** 63))
    throw new OtlpItemError(field, 'expected a signed 64-bit integer');
  return n;
}

/** A 32-bit signed integer field (`scale`, bucket `offset`): a number or decimal string in range. */
export function int32(v: unknown, field: string): number {
  if (v == null) return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' && SIGNED_DIGITS.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)
    throw new OtlpItemError(field, 'expected a 32-bit integer');
  return n;
}

/** A 64-bit integer as exact decimal text (attribute values keep every digit). */
function int64Text(v: Int64Like, field: string): string {
  if (v == null) return '0';
  if (typeof v === 'object') {
    const hi = v.high | 0;
    if (v.unsigned) return ((BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString();
    if (hi >= -2097152 && hi < 2097152) return String(hi * 4294967296 + (v.low >>> 0));
    return (BigInt(hi) * TWO_32 + BigInt(v.low >>> 0)).toString();
  }
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.trunc(v)) : '0';
  if (typeof v === 'string' && SIGNED_DIGITS.test(v)) return v;
  throw new OtlpItemError(field, 'expected an integer');
}

/** A double as protobuf (number) or OTLP/JSON (number, or "NaN"/"Infinity"/"-Infinity" strings) gives it. */
export function doubleOf(v: number | string | null | undefined, field: string): number {
  if (v == null) return 0;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  const n = Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(n)) return n;
  throw new OtlpItemError(field, 'expected a number');
}

/**
 * A float as JSONEachRow text for an element of an Array(Float64) column: finite only. The engine
 * reads a bare nan/inf in a Float64 column but refuses it inside an array (found by fuzzing).
 */
export function arrayFloatJson(n: number, field: string): string {
  if (!Number.isFinite(n))
    throw new OtlpItemError(field, 'expected a finite number (NaN and ±Infinity cannot be stored in a list)');
  return String(n);
}

/** A float as JSONEachRow text for a Float64 column (ClickHouse reads bare nan/inf, JSON has no spelling for them). */
export function floatJson(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
}

const HEX_32 = /^[0-9a-fA-F]{32}$/;
const HEX_16 = /^[0-9a-fA-F]{16}$/;
const ZERO_32 = '0'.repeat(32);
const ZERO_16 = '0'.repeat(16);

/**
 * A trace id (16 bytes) or span id (8 bytes) as lowercase hex. Empty gives ''. OTLP: an all-zero
 * or wrongly sized id is invalid; `required` ids throw for it, optional ones (parent, log context) too.
 */
export function idHex(v: BytesLike, size: 16 | 8, field: string, required: boolean): string {
  let hex: string;
  if (v == null || v.length === 0) {
    if (required) throw new OtlpItemError(field, 'is required');
    return '';
  }
  if (typeof v === 'string') {
    if (!(size === 16 ? HEX_32 : HEX_16).test(v))
      throw new OtlpItemError(field, `expected ${size * 2} hex characters (OTLP/JSON encodes ids as hex)`);
    hex = v.toLowerCase();
  } else {
    if (!(v instanceof Uint8Array))
      throw new OtlpItemError(field, `expected ${size * 2} hex characters (OTLP/JSON encodes ids as hex)`);
    if (v.length !== size) throw new OtlpItemError(field, `expected ${size} bytes, got ${v.length}`);
    hex = Buffer.isBuffer(v)
      ? v.toString('hex')
      : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
  }
  if (hex === (size === 16 ? ZERO_32 : ZERO_16)) throw new OtlpItemError(field, 'must not be all zeros');
  return hex;
}

function bytesBase64(v: BytesLike): string {
  if (v == null) return '';
  if (typeof v === 'string') return v; // OTLP/JSON already carries bytes as base64
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

type AnyKind =
  'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';

/**
 * Which member of the AnyValue oneof is set: the one the object has as an own property (decoded
 * protobuf messages read unset fields as defaults through their prototype; parsed JSON has only
 * the keys that were sent).
 */
function anyKind(v: OtlpAnyValue): AnyKind | undefined {
  if (has(v, 'stringValue')) return 'stringValue';
  if (has(v, 'intValue')) return 'intValue';
  if (has(v, 'boolValue')) return 'boolValue';
  if (has(v, 'doubleValue')) return 'doubleValue';
  if (has(v, 'arrayValue')) return 'arrayValue';
  if (has(v, 'kvlistValue')) return 'kvlistValue';
  if (has(v, 'bytesValue')) return 'bytesValue';
  return undefined;
}

/** True when an OTLP message has a field set: an own property that is not null. */
export function has<T extends object>(v: T, field: keyof T): boolean {
  return Object.hasOwn(v, field) && v[field] != null;
}

/**
 * An attribute value as the text stored in Map(String, String) columns, as the OpenTelemetry
 * Collector's ClickHouse exporter stores it: strings as they are, numbers and booleans as text,
 * bytes as base64, arrays and key-value lists as JSON.
 */
export function anyValueText(v: OtlpAnyValue | null | undefined, field: string): string {
  if (v == null) return '';
  if (typeof v !== 'object') throw new OtlpItemError(field, 'expected an AnyValue object');
  switch (anyKind(v)) {
    case 'stringValue':
      if (typeof v.stringValue !== 'string')
        throw new OtlpItemError(`${field}.stringValue`, 'expected a string');
      return v.stringValue;
    case 'intValue':
      return int64Text(v.intValue, `${field}.intValue`);
    case 'boolValue':
      if (typeof v.boolValue !== 'boolean')
        throw new OtlpItemError(`${field}.boolValue`, 'expected a boolean');
      return v.boolValue ? 'true' : 'false';
    case 'doubleValue':
      return String(doubleOf(v.doubleValue, `${field}.doubleValue`));
    case 'arrayValue':
    case 'kvlistValue':
      return JSON.stringify(anyValueRaw(v, field));
    case 'bytesValue':
      return bytesBase64(v.bytesValue);
    default:
      return '';
  }
}

function anyValueRaw(v: OtlpAnyValue | null | undefined, field: string): unknown {
  if (v == null || typeof v !== 'object') return null;
  switch (anyKind(v)) {
    case 'stringValue':
      return str(v.stringValue, `${field}.stringValue`);
    case 'intValue':
      return int64Number(v.intValue, `${field}.intValue`);
    case 'boolValue':
      return v.boolValue === true;
    case 'doubleValue':
      return doubleOf(v.doubleValue, `${field}.doubleValue`);
    case 'arrayValue':
      return list(v.arrayValue?.values, `${field}.arrayValue.values`).map((x, i) =>
        anyValueRaw(x, `${field}.arrayValue.values[${i}]`),
      );
    case 'kvlistValue': {
      const out: Record<string, unknown> = {};
      list(v.kvlistValue?.values, `${field}.kvlistValue.values`).forEach((kv, i) => {
        out[keyOf(kv, `${field}.kvlistValue.values[${i}]`)] = anyValueRaw(
          kv.value,
          `${field}.kvlistValue.values[${i}].value`,
        );
      });
      return out;
    }
    case 'bytesValue':
      return bytesBase64(v.bytesValue);
    default:
      return null;
  }
}

function keyOf(kv: OtlpKeyValue, field: string): string {
  if (kv == null || typeof kv !== 'object') throw new OtlpItemError(field, 'expected a KeyValue object');
  const key = kv.key ?? '';
  if (typeof key !== 'string') throw new OtlpItemError(`${field}.key`, 'expected a string');
  return key;
}

/** Attributes encoded for a Map(String, String) column, and the `biz.*` ones picked out on the way. */
export interface EncodedAttributes {
  /** A JSON object text, e.g. `{"http.method":"GET"}`. */
  json: string;
  /** `biz.*` attributes by key, or undefined when there are none (the common case costs nothing). */
  biz: Record<string, string> | undefined;
}

// Attribute keys repeat from span to span: their JSON text is kept instead of re-escaped each time.
const keyJson = new Map<string, string>();
function jsonKey(key: string): string {
  let j = keyJson.get(key);
  if (j === undefined) {
    j = `${JSON.stringify(key)}:`;
    if (keyJson.size < 10_000) keyJson.set(key, j);
  }
  return j;
}

/** Encodes a KeyValue list as a JSON object of strings, collecting `biz.*` attributes. */
export function encodeAttributes(kvs: OtlpKeyValue[] | null | undefined, field: string): EncodedAttributes {
  if (kvs == null || kvs.length === 0) return { json: '{}', biz: undefined };
  if (!Array.isArray(kvs)) throw new OtlpItemError(field, 'expected an array of KeyValue');
  let json = '{';
  let biz: Record<string, string> | undefined;
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i] as OtlpKeyValue;
    const key = keyOf(kv, `${field}[${i}]`);
    const text = anyValueText(kv.value, `${field}[${i}].value`);
    if (i > 0) json += ',';
    json += jsonKey(key) + JSON.stringify(text);
    if (key.startsWith('biz.')) (biz ??= {})[key] = text;
  }
  return { json: json + '}', biz };
}

/** A string field (absent → ''), refusing other types. */
export function str(v: unknown, field: string): string {
  if (v == null) return '';
  if (typeof v !== 'string') throw new OtlpItemError(field, 'expected a string');
  return v;
}

/** A uint32 field such as a count or flags (absent → 0); 1e300 is an integer too, and no uint32. */
export function uint(v: unknown, field: string): number {
  if (v == null) return 0;
  const n = typeof v === 'number' ? v : typeof v === 'string' && DIGITS.test(v) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= 0 && n < 2 ** 32) return n;
  throw new OtlpItemError(field, 'expected an unsigned 32-bit integer');
}

/** An enum field: protobuf numbers, or in OTLP/JSON the number or the enum value's name. */
export function enumOf(v: unknown, names: readonly string[], field: string): number {
  if (v == null) return 0;
  // An unknown number is kept (a newer OTLP may add values), within the store's column (UInt8/Int32).
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 256) return v;
  if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
  }
  throw new OtlpItemError(field, `expected one of ${names.join(', ')} or its number`);
}

/** A repeated field (absent → []), refusing other types. */
export function list<T>(v: T[] | null | undefined, field: string): T[] {
  if (v == null) return [];
  if (!Array.isArray(v)) throw new OtlpItemError(field, 'expected an array');
  return v;
}
