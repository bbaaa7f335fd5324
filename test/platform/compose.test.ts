import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LinewatchConfigSchema } from '@linewatch/schema';
import { loadConfig } from '../../apps/server/src/config.ts';

// Docker cannot run on this machine: the compose file is checked against what Linewatch reads.
const root = join(import.meta.dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      environment?: Record<string, string>;
      ports?: string[];
      volumes?: string[];
      profiles?: string[];
      command?: string[];
    }
  >;
};
const services = compose.services;
const linewatchServices = Object.entries(services).filter(([name]) => name.startsWith('linewatch'));
const defaults = LinewatchConfigSchema.parse({});
const deployConfig = parse(readFileSync(join(root, 'deploy/linewatch.yaml'), 'utf8')) as {
  collector: { spool: { dir: string } };
};

describe('docker-compose.yml', () => {
  it('pins every image to an exact version', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, `${name} has an image`).toBeDefined();
      expect(s.image, name).toMatch(/^[\w./-]+:\d+(\.\d+){2,3}$/);
    }
  });

  it('publishes the ports Linewatch listens on, on loopback only', () => {
    const published = linewatchServices.flatMap(([, s]) => s.ports ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const p of published) expect(p).toMatch(/^127\.0\.0\.1:/);
    const containerPorts = new Set(published.map((p) => Number(p.split(':').at(-1))));
    expect(containerPorts).toEqual(
      new Set([defaults.server.port, defaults.collector.otlpHttp.port, defaults.collector.otlpGrpc.port]),
    );
  });

  it('gives Linewatch a configuration it accepts, pointed at a ClickHouse service of the same file', () => {
    for (const [name, s] of linewatchServices) {
      const env = s.environment ?? {};
      const url = new URL(
        (env.LINEWATCH_CLICKHOUSE_URL ?? '').replace('${CLICKHOUSE_PASSWORD:-change-me}', 'change-me'),
      );
      expect(services[url.hostname], `${name} points at ${url.hostname}`).toBeDefined();
      expect(services[url.hostname]?.image).toMatch(/^clickhouse\/clickhouse-server:/);
      expect(url.port).toBe('8123');
      const { config } = loadConfig({
        path: join(root, 'deploy/linewatch.yaml'),
        env: { ...env, LINEWATCH_CLICKHOUSE_URL: url.toString() },
      });
      expect(config.store.mode).toBe('remote');
      expect(config.store.database).toBe(services[url.hostname]?.environment?.CLICKHOUSE_DB);
      expect(config.server.host).toBe('0.0.0.0');
      expect(config.auth.tokens.length).toBeGreaterThan(0);
    }
  });

  it('keeps the spool on a volume at the path the container config names', () => {
    for (const [name, s] of linewatchServices.filter(
      ([, s]) => !s.command || s.command.includes('collector') || s.command.length === 0,
    )) {
      const mounts = (s.volumes ?? []).map((v) => v.split(':')[1]);
      expect(
        mounts.some((m) => m && deployConfig.collector.spool.dir.startsWith(m)),
        name,
      ).toBe(true);
    }
  });

  it('names the same cluster in the environment and the ClickHouse config, with 2 shards × 2 replicas and 3 keepers', () => {
    const xml = readFileSync(join(root, 'deploy/clickhouse/cluster.xml'), 'utf8');
    const clusterName = /<remote_servers>\s*<(\w+)>/.exec(xml)?.[1];
    const clusterEnv = linewatchServices
      .map(([, s]) => s.environment?.LINEWATCH_CLICKHOUSE_CLUSTER)
      .filter(Boolean);
    expect(clusterEnv.length).toBe(3);
    for (const c of clusterEnv) expect(c).toBe(clusterName);
    const shards = xml.split('<shard>').slice(1);
    expect(shards).toHaveLength(2);
    for (const s of shards) expect(s.match(/<replica>/g)).toHaveLength(2);
    const hosts = [...xml.matchAll(/<replica><host>([\w-]+)<\/host>/g)].map((m) => m[1] as string);
    for (const h of hosts) {
      expect(services[h]?.profiles).toEqual(['cluster']);
      expect(services[h]?.environment?.REPLICA).toBe(h);
    }
    const keepers = [...xml.matchAll(/<node><host>([\w-]+)<\/host>/g)].map((m) => m[1] as string);
    expect(keepers).toHaveLength(3);
    for (const k of keepers) expect(services[k]?.image).toMatch(/^clickhouse\/clickhouse-keeper:/);
  });

  it('runs exactly one worker in the cluster profile', () => {
    const roles = linewatchServices
      .filter(([, s]) => s.profiles?.includes('cluster'))
      .map(([, s]) => s.command?.join(' ') ?? '');
    expect(roles.filter((r) => r.includes('worker'))).toHaveLength(1);
  });
});
