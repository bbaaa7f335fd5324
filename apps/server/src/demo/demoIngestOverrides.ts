import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { loadFlows } from '@linewatch/correlation';
import { demoIngestConfig, toSimFlow } from '@linewatch/simulator';
import { child, type RawConfig } from '../config.ts';

const DEMO_MQTT = { host: '127.0.0.1', port: 1883 };
const DEMO_PLANTS = {
  P01: { name: 'Lyon assembly', timeZone: 'Europe/Paris' },
  P02: { name: 'Brno assembly', timeZone: 'Europe/Prague' },
  P03: { name: 'Ghent process', timeZone: 'Europe/Brussels' },
};

/** True when something accepts TCP connections at host:port within `timeoutMs`. */
export function reachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * For `--demo`: lets the collector take the simulated Odoo's webhooks and, when a local MQTT broker
 * answers, the simulated plant gateway's MQTT events, unless the config already configures them.
 * Without a broker those steps go through the events API instead (docs/demo.md).
 */
export async function applyDemoIngest(raw: RawConfig): Promise<void> {
  const paths = child(raw, 'paths');
  const flowsDir = typeof paths.flows === 'string' ? paths.flows : './flows';
  const { flows } = loadFlows(resolve(flowsDir));
  if (!flows.length) return;
  const demo = demoIngestConfig(
    flows.map((f) => toSimFlow(f.flow)),
    `mqtt://${DEMO_MQTT.host}:${DEMO_MQTT.port}`,
  );
  // The demo estate's plants and their time zones (maintenance windows, working hours, report weeks).
  raw.plants ??= DEMO_PLANTS;
  const collector = child(raw, 'collector');
  if (collector.odoo === undefined) collector.odoo = demo.odoo;
  if (collector.mqtt === undefined && (await reachable(DEMO_MQTT.host, DEMO_MQTT.port))) {
    // The broker keeps one session per client id: two demos on one machine must not share one.
    const dataDir = child(raw, 'store').dataDir;
    const owner = createHash('sha256')
      .update(resolve(typeof dataDir === 'string' ? dataDir : './data'))
      .digest('hex')
      .slice(0, 10);
    collector.mqtt = { ...demo.mqtt, clientId: `linewatch-demo-${owner}` };
  }
}
