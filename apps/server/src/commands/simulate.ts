import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { loadFlows } from '@linewatch/correlation';
import { parseDuration } from '@linewatch/schema';
import {
  createNetworkSink,
  createSimulator,
  runLoad,
  scheduleScenarios,
  ScenarioError,
  SCENARIO_NAMES,
  toSimFlow,
  topicForFilter,
  type EmitTargets,
  type TruthLine,
} from '@linewatch/simulator';
import { ConfigError } from '../errors.ts';
import { createLogger } from '../logger.ts';

interface SimulateOptions {
  target: string;
  api?: string;
  seed: string;
  speed: string;
  plants: string;
  scenario?: string[];
  duration?: string;
  start?: string;
  truth?: string;
  load?: boolean;
  rate: string;
  flows: string;
  clockSkew: string;
  odooSource?: string;
  mqtt?: string;
  mqttTopic: string;
  token?: string;
  logLevel: string;
}

const number = (flag: string, text: string, check: (n: number) => boolean): number => {
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) throw new ConfigError([`${flag}: expected a number, got "${text}"`]);
  return n;
};
const duration = (flag: string, text: string): number => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new ConfigError([`${flag}: expected a duration like "1h" or "90s", got "${text}"`]);
  return ms;
};

/** `linewatch simulate`: the plant simulator against a running Linewatch (live traffic, scenarios, truth, load). */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run the plant simulator against a Linewatch collector (docs/demo.md)')
    .option('--target <url>', 'OTLP/HTTP base URL of the collector', 'http://127.0.0.1:4318')
    .option(
      '--api <url>',
      'base URL for /v1/events and Odoo webhooks (default: --target, which serves them too)',
    )
    .option('--seed <n>', 'seed of the estate: the same seed plays the same transactions', '42')
    .option('--speed <x>', 'simulated seconds per real second (60: an hour in a minute)', '1')
    .option('--plants <n>', 'number of plants', '3')
    .option(
      '--scenario <name...>',
      `fault scenarios (${SCENARIO_NAMES.join(', ')}); name@20m+10m to place one`,
    )
    .option('--duration <d>', 'simulated time to run, like 1h (default: until stopped)')
    .option(
      '--start <time>',
      'simulated start (RFC 3339; default: now, or one duration ago when --speed > 1)',
    )
    .option('--truth <file>', 'write the ground truth as JSON lines (transactions and scenarios)')
    .option('--load', 'load mode: every connector instrumented, paced to --rate spans per second')
    .option('--rate <n>', 'spans per second in load mode', '20000')
    .option('--flows <dir>', 'flow definitions', './flows')
    .option('--clock-skew <d>', "the engine's correlation.clockSkew (keeps the truth unambiguous)", '2m')
    .option(
      '--odoo-source <name>',
      'send Odoo steps as webhooks to /v1/odoo/webhook/<name> (a source mapped like docs/demo.md)',
    )
    .option('--mqtt <url>', 'publish MQTT plant-gateway steps to this broker (e.g. mqtt://127.0.0.1:1883)')
    .option('--mqtt-topic <filter>', 'topic filter the collector subscribes to', 'plants/+/events')
    .option('--token <token>', 'ingest token, when the collector requires one')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (opts: SimulateOptions) => {
      const logger = createLogger(opts.logLevel);
      const { flows: loaded, problems } = loadFlows(opts.flows);
      if (problems.length) throw new ConfigError(problems);
      if (!loaded.length) throw new ConfigError([`--flows: no flow files in ${opts.flows}`]);
      const flows = loaded.map((f) => toSimFlow(f.flow));
      const headers = opts.token ? { authorization: `Bearer ${opts.token}` } : undefined;
      const seed = number('--seed', opts.seed, Number.isInteger);
      const plants = number('--plants', opts.plants, (n) => Number.isInteger(n) && n >= 1 && n <= 20);
      const out = (text: string) => process.stdout.write(`${text}\n`);

      if (opts.load) {
        const rate = number('--rate', opts.rate, (n) => n > 0);
        const durationMs = opts.duration ? duration('--duration', opts.duration) : 30_000;
        out(
          `load: ${rate} spans/s for ${durationMs / 1000} s to ${opts.target} (OpenTelemetry SDK, batch span processors, OTLP/HTTP protobuf)`,
        );
        const r = await runLoad({
          flows,
          otlpUrl: opts.target,
          ...(headers ? { headers } : {}),
          rate,
          durationMs,
          seed,
          plants,
          onProgress: (p) =>
            out(
              `  ${p.seconds.toFixed(0)} s: ${p.made} spans made, ${p.exported} acknowledged, ${p.failed} failed`,
            ),
        });
        out(
          `achieved: ${Math.round(r.exportedPerSecond)} spans/s acknowledged (${r.spansExported} in ${r.seconds.toFixed(1)} s), ` +
            `${Math.round(r.madePerSecond)} spans/s made, ${r.spansFailed} failed, ${r.cpuSeconds.toFixed(1)} CPU s ` +
            `(${Math.round(r.spansMade / Math.max(0.001, r.cpuSeconds))} spans per CPU second)`,
        );
        return;
      }

      const speed = number('--speed', opts.speed, (n) => n > 0);
      const durationMs = opts.duration ? duration('--duration', opts.duration) : undefined;
      const now = Date.now();
      const start = opts.start
        ? Date.parse(opts.start)
        : speed > 1 && durationMs !== undefined
          ? now - durationMs
          : now;
      if (Number.isNaN(start))
        throw new ConfigError([`--start: expected an RFC 3339 time, got "${opts.start}"`]);
      let scenarios;
      try {
        scenarios = scheduleScenarios(opts.scenario ?? [], start, durationMs ?? 3_600_000, parseDuration);
      } catch (e) {
        if (e instanceof ScenarioError) throw new ConfigError([`--scenario: ${e.message}`], { cause: e });
        throw e;
      }
      const targets: EmitTargets = {
        otlpUrl: opts.target,
        ingestUrl: opts.api ?? opts.target,
        ...(opts.odooSource ? { odooSource: opts.odooSource } : {}),
        ...(opts.mqtt
          ? { mqtt: { url: opts.mqtt, topic: (plant: string) => topicForFilter(opts.mqttTopic, plant) } }
          : {}),
        ...(headers ? { headers } : {}),
      };
      let truthFile: WriteStream | undefined;
      if (opts.truth) truthFile = createWriteStream(opts.truth, { flags: 'w' });
      const sink = await createNetworkSink({ targets, flows, seed: `cli${seed}`, logger });
      const sim = createSimulator({
        flows,
        sink,
        seed,
        plants,
        speed,
        start,
        ...(durationMs !== undefined ? { durationMs } : {}),
        scenarios,
        toleranceMs: duration('--clock-skew', opts.clockSkew),
        odooWebhooks: targets.odooSource !== undefined,
        logger,
        ...(truthFile ? { truth: (line: TruthLine) => truthFile.write(`${JSON.stringify(line)}\n`) } : {}),
      });
      out(
        `simulating ${plants} plants, ${flows.length} flows, seed ${seed}, x${speed} from ${new Date(start).toISOString()}` +
          `${durationMs ? ` for ${opts.duration}` : ' until stopped'} → ${opts.target}`,
      );
      for (const s of scenarios)
        out(`  scenario ${s.name}: ${new Date(s.from).toISOString()} – ${new Date(s.to).toISOString()}`);
      sim.start();
      const progress = setInterval(() => {
        const s = sim.stats();
        out(
          `  ${s.simTime}: ${s.transactionsFinished} transactions, ${s.spans} spans, ${s.events} events, ${s.mqtt} MQTT, ${s.webhooks} webhooks, ${s.failures} failures`,
        );
      }, 10_000);
      const finish = async () => {
        clearInterval(progress);
        await sim.stop();
        if (truthFile) await new Promise<void>((r) => truthFile.end(r));
        const s = sim.stats();
        out(
          `done: ${s.transactionsFinished} transactions, ${s.spansExported} spans acknowledged, ${s.events} events, ${s.mqtt} MQTT, ${s.webhooks} webhooks, ${s.failures} failures`,
        );
        if (durationMs !== undefined)
          out(`every status is final after ${new Date(sim.settledAt()).toISOString()} (simulated time)`);
      };
      let stopping = false;
      const onSignal = () => {
        if (stopping) return;
        stopping = true;
        void finish().then(() => process.exit(0));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      if (durationMs !== undefined) {
        await sim.drained;
        if (!stopping) {
          stopping = true;
          await finish();
        }
      }
    });
}
