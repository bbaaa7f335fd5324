import { describe, expect, it } from 'vitest';
import { sql, SqlError } from './sql.ts';

describe('sql template', () => {
  it('turns every hole into a typed parameter and keeps values out of the text', () => {
    const q = sql`SELECT * FROM t WHERE a = ${'x'} AND b > ${3} AND c < ${2.5} AND d IN ${['p', 'q']}`;
    expect(q.text).toBe(
      'SELECT * FROM t WHERE a = {p0:String} AND b > {p1:Int64} AND c < {p2:Float64} AND d IN {p3:Array(String)}',
    );
    expect(q.params).toEqual({ p0: 'x', p1: 3, p2: 2.5, p3: ['p', 'q'] });
  });

  it('renumbers the parameters of nested fragments', () => {
    const filter = sql.join([sql`plant = ${'P01'}`, sql`flow = ${'f'}`], ' AND ');
    const q = sql`SELECT 1 WHERE key = ${'MO/1'} AND ${filter} LIMIT ${10}`;
    expect(q.text).toBe(
      'SELECT 1 WHERE key = {p0:String} AND plant = {p1:String} AND flow = {p2:String} LIMIT {p3:Int64}',
    );
    expect(q.params).toEqual({ p0: 'MO/1', p1: 'P01', p2: 'f', p3: 10 });
  });

  it('binds explicit types and quotes validated identifiers', () => {
    const q = sql`SELECT * FROM ${sql.id('db', 'otel_traces')} WHERE Timestamp > ${sql.param('2026-11-27 00:00:00', 'DateTime64(9)')}`;
    expect(q.text).toBe('SELECT * FROM `db`.`otel_traces` WHERE Timestamp > {p0:DateTime64(9)}');
  });

  it('refuses identifiers and keywords that could carry SQL', () => {
    expect(() => sql.id('otel_traces; DROP TABLE x')).toThrow(SqlError);
    expect(() => sql.id('a`b')).toThrow(SqlError);
    expect(() => sql.keyword('DESC; --' as 'DESC', ['ASC', 'DESC'])).toThrow(SqlError);
    expect(sql.keyword('DESC', ['ASC', 'DESC']).text).toBe('DESC');
  });

  it('refuses values whose type it cannot infer', () => {
    expect(() => sql`SELECT ${{ a: 1 } as unknown as string}`).toThrow(/cannot infer/);
    expect(() => sql`SELECT ${Number.NaN}`).toThrow(/non-finite/);
  });

  it('binds dates as DateTime64(3) seconds', () => {
    const q = sql`SELECT ${new Date('2026-11-27T00:00:01.500Z')}`;
    expect(q.text).toBe('SELECT {p0:DateTime64(3)}');
    expect(q.params.p0).toBe(Date.parse('2026-11-27T00:00:01.500Z') / 1000);
  });
});
