import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseRoles } from './config.ts';
import { ConfigError } from './errors.ts';

function file(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'lw-config-')), 'linewatch.yaml');
  writeFileSync(path, content);
  return path;
}

describe('loadConfig', () => {
  it('runs embedded on loopback with every role when nothing is configured', () => {
    const { config } = loadConfig({ env: {} });
    expect(config.store).toMatchObject({ mode: 'embedded', dataDir: './data', database: 'linewatch' });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.roles).toEqual(['api', 'collector', 'worker']);
    expect(config.collector.otlpHttp.port).toBe(4318);
    expect(config.correlation.clockSkew).toBe(120_000);
  });

  it('lists every problem in the file as path: message', () => {
    const path = file(
      'server:\n  port: "eighty"\nstore:\n  mode: remote\nretention:\n  traces: -1\ncorrelation:\n  clockSkew: soon\n',
    );
    let error: ConfigError | undefined;
    try {
      loadConfig({ path, env: {} });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = error?.issues ?? [];
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/linewatch\.yaml: server\.port: .*number/),
        expect.stringMatching(/linewatch\.yaml: store\.url: required when mode is remote/),
        expect.stringMatching(/linewatch\.yaml: retention\.traces: /),
        expect.stringMatching(/linewatch\.yaml: correlation\.clockSkew: expected a duration like "5m"/),
      ]),
    );
    expect(lines).toHaveLength(4);
  });

  it('lets the environment point at a ClickHouse server and cluster, taking the database from the URL path', () => {
    const { config } = loadConfig({
      env: {
        LINEWATCH_CLICKHOUSE_URL: 'http://lw:secret@ch1:8123/plant_ops',
        LINEWATCH_CLICKHOUSE_CLUSTER: 'plants',
        LINEWATCH_ROLES: 'collector',
      },
    });
    expect(config.store).toMatchObject({
      mode: 'remote',
      url: 'http://lw:secret@ch1:8123/plant_ops',
      database: 'plant_ops',
      cluster: 'plants',
    });
    expect(config.roles).toEqual(['collector']);
  });

  it('reads durations and data dir from file and env, env winning', () => {
    const path = file('store:\n  dataDir: /var/lib/linewatch\ncorrelation:\n  sweepInterval: 2s\n');
    const { config } = loadConfig({ path, env: { LINEWATCH_DATA_DIR: '/srv/lw' } });
    expect(config.store.dataDir).toBe('/srv/lw');
    expect(config.correlation.sweepInterval).toBe(2000);
  });

  it('says which file is missing', () => {
    expect(() => loadConfig({ path: '/nonexistent/linewatch.yaml', env: {} })).toThrow(
      /nonexistent\/linewatch.yaml: file not found/,
    );
  });

  it('rejects unknown roles by name', () => {
    expect(() => parseRoles('api,scheduler')).toThrow(/unknown role "scheduler"/);
    expect(parseRoles('api, worker')).toEqual(['api', 'worker']);
  });
});
