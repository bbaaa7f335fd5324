import { appendFileSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { INDEX_RECORD_BYTES } from './segmentIndex.ts';
import { Spool, SpoolLockedError, type SpoolOptions } from './spool.ts';

const logger = pino({ level: 'silent' });

function options(overrides: Partial<SpoolOptions> = {}): SpoolOptions {
  return {
    dir: mkdtempSync(join(tmpdir(), 'spool-test-')),
    maxBytes: 10 * 1024 * 1024,
    segmentMaxRows: 1_000_000,
    segmentMaxBytes: 64 * 1024 * 1024,
    segmentMaxAgeMs: 60_000,
    now: () => 1_000,
    logger,
    ...overrides,
  };
}

const rows = (from: number, n: number) =>
  Buffer.from(Array.from({ length: n }, (_, i) => `{"id":"e${from + i}"}\n`).join(''));

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(ext));
}

describe('the spool', () => {
  it('acknowledges concurrent appends with one shared commit (group commit)', async () => {
    const opts = options();
    const { spool } = await Spool.open(opts);
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => spool.append('business_events', rows(i * 10, 10), 10)),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const [idx] = files(opts.dir, '.idx');
    const records = statSync(join(opts.dir, idx!)).size / INDEX_RECORD_BYTES;
    // The first append commits alone; the 49 that queued behind it share the next commit(s).
    expect(records).toBeLessThanOrEqual(3);
    await spool.sealAll();
    expect(spool.sealed).toHaveLength(1);
    expect(spool.sealed[0]).toMatchObject({ table: 'business_events', rows: 500 });
    expect(readFileSync(spool.sealed[0]!.dataPath, 'utf8').split('\n').filter(Boolean)).toHaveLength(500);
    await spool.close();
  });

  it('recovers after a crash by cutting a torn tail and keeping every acknowledged row', async () => {
    const opts = options();
    const first = await Spool.open(opts);
    for (let i = 0; i < 3; i++)
      expect((await first.spool.append('otel_logs', rows(i * 5, 5), 5)).ok).toBe(true);
    // The process dies mid-write: half a row in the data file, half an index record, no close().
    const [data] = files(opts.dir, '.jsonl');
    const [idx] = files(opts.dir, '.idx');
    const acked = readFileSync(join(opts.dir, data!));
    appendFileSync(join(opts.dir, data!), '{"id":"torn');
    appendFileSync(join(opts.dir, idx!), Buffer.alloc(INDEX_RECORD_BYTES / 2, 7));

    const second = await Spool.open(opts);
    expect(second.recovered).toEqual({ segments: 1, rows: 15, bytes: acked.length, tornTails: 1 });
    expect(second.spool.sealed).toHaveLength(1);
    expect(readFileSync(second.spool.sealed[0]!.dataPath)).toEqual(acked);
    // New appends go to a new segment after the recovered one, which is replayed first.
    await second.spool.append('otel_logs', rows(100, 1), 1);
    await second.spool.sealAll();
    expect(second.spool.sealed.map((s) => s.rows)).toEqual([15, 1]);
    expect(second.spool.sealed[0]!.seq).toBeLessThan(second.spool.sealed[1]!.seq);
    await second.spool.close();
  });

  it('drops a chunk whose bytes do not match its checksum, and everything after it', async () => {
    const opts = options();
    const first = await Spool.open(opts);
    await first.spool.append('otel_logs', rows(0, 4), 4);
    await first.spool.append('otel_logs', rows(4, 4), 4);
    const [data] = files(opts.dir, '.jsonl');
    const path = join(opts.dir, data!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = 0x58; // a flipped byte in the second chunk
    writeFileSync(path, bytes);
    const second = await Spool.open(opts);
    expect(second.recovered).toMatchObject({ rows: 4, tornTails: 1 });
    expect(readFileSync(second.spool.sealed[0]!.dataPath, 'utf8')).toBe(rows(0, 4).toString());
    await second.spool.close();
  });

  it('refuses appends that would exceed its size limit', async () => {
    const { spool } = await Spool.open(options({ maxBytes: 100 }));
    expect(await spool.append('otel_logs', rows(0, 5), 5)).toEqual({ ok: true });
    const refused = await spool.append('otel_logs', rows(5, 5), 5);
    expect(refused).toMatchObject({ ok: false, reason: 'spool_full' });
    await spool.close();
  });

  it('seals a segment when it reaches its row limit or its age', async () => {
    let now = 0;
    const { spool } = await Spool.open(
      options({ segmentMaxRows: 10, segmentMaxAgeMs: 1_000, now: () => now }),
    );
    await spool.append('otel_traces', rows(0, 12), 12);
    expect(spool.sealed.map((s) => s.rows)).toEqual([12]);
    await spool.append('otel_traces', rows(12, 3), 3);
    expect(await spool.sealDue()).toBe(0);
    now = 1_000;
    expect(await spool.sealDue()).toBe(1);
    expect(spool.sealed.map((s) => s.rows)).toEqual([12, 3]);
    await spool.close();
  });

  it('deletes a segment once it is removed, and refuses a directory another live process holds', async () => {
    const opts = options();
    const { spool } = await Spool.open(opts);
    await spool.append('business_events', rows(0, 2), 2);
    await spool.sealAll();
    await spool.remove(spool.sealed[0]!);
    expect(files(opts.dir, '.jsonl')).toEqual([]);
    expect(files(opts.dir, '.idx')).toEqual([]);
    await spool.close();

    writeFileSync(join(opts.dir, 'LOCK'), String(process.ppid));
    await expect(Spool.open(opts)).rejects.toBeInstanceOf(SpoolLockedError);
  });
});
