import { crc32 } from 'node:zlib';

// A spool segment is two files: `<name>.jsonl`, plain JSONEachRow that the engine reads directly,
// and `<name>.idx`, one fixed-size record per group commit that says where the committed data ends,
// how many rows it holds and the CRC-32 of the bytes since the previous record. A record is
// itself checksummed, so a torn write of either file is found at recovery and cut off.

/** Bytes per index record. */
export const INDEX_RECORD_BYTES = 24;
const MAGIC = 0x3153574c; // "LWS1"

/** One committed chunk of a segment: data ends at `end`, `rows` lines in the chunk, CRC-32 of the chunk. */
export interface IndexRecord {
  end: number;
  rows: number;
  crc: number;
}

/** Encodes an index record (magic, end offset as 48 bits, rows, data CRC, record CRC). */
export function encodeIndexRecord(r: IndexRecord): Buffer {
  const b = Buffer.alloc(INDEX_RECORD_BYTES);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUIntLE(r.end, 4, 6);
  b.writeUInt16LE(0, 10);
  b.writeUInt32LE(r.rows, 12);
  b.writeUInt32LE(r.crc >>> 0, 16);
  b.writeUInt32LE(crc32(b.subarray(0, 20)) >>> 0, 20);
  return b;
}

/** Decodes an index record, or undefined when it is torn or corrupt. */
export function decodeIndexRecord(b: Buffer): IndexRecord | undefined {
  if (b.length < INDEX_RECORD_BYTES) return undefined;
  if (b.readUInt32LE(0) !== MAGIC) return undefined;
  if (b.readUInt32LE(20) !== crc32(b.subarray(0, 20)) >>> 0) return undefined;
  return { end: b.readUIntLE(4, 6), rows: b.readUInt32LE(12), crc: b.readUInt32LE(16) };
}

/** The committed prefix of a segment: how many bytes and rows survive, and how many index records. */
export interface ValidPrefix {
  bytes: number;
  rows: number;
  records: number;
  /** True when something after the prefix was cut off (a torn tail). */
  torn: boolean;
}

/**
 * Finds the longest prefix of a segment whose every chunk has an intact index record and matching
 * data CRC. Data past the last good record was never acknowledged (acks follow the fsync of both files).
 */
export function validPrefix(index: Buffer, data: Buffer): ValidPrefix {
  let bytes = 0;
  let rows = 0;
  let records = 0;
  const total = Math.floor(index.length / INDEX_RECORD_BYTES);
  for (let i = 0; i < total; i++) {
    const r = decodeIndexRecord(index.subarray(i * INDEX_RECORD_BYTES, (i + 1) * INDEX_RECORD_BYTES));
    if (!r || r.end <= bytes || r.end > data.length) break;
    if (crc32(data.subarray(bytes, r.end)) >>> 0 !== r.crc) break;
    bytes = r.end;
    rows += r.rows;
    records++;
  }
  return {
    bytes,
    rows,
    records,
    torn: bytes !== data.length || records * INDEX_RECORD_BYTES !== index.length,
  };
}
