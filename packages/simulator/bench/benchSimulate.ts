// `npm run bench:simulate -w @linewatch/simulator [-- --target http://127.0.0.1:4318 --rate 20000 --seconds 30]`
// Without --target: how fast the generators make realistic traffic (spans pre-serialised with the
// SDK's serializer, canonical events with truth). With --target: the load mode against a running
// collector (`linewatch start`), paced to --rate, with the rate it achieved and the CPU it took.
import { parseArgs } from 'node:util';
import { loadFlows } from '@linewatch/correlation';
import { generateEvents, generateSpanBatches, runLoad, toSimFlow } from '../src/index.ts';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    rate: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '30' },
    flows: { type: 'string', default: '../../flows' },
  },
});
const flows = loadFlows(values.flows).flows.map((f) => toSimFlow(f.flow));
if (!flows.length) throw new Error(`no flows in ${values.flows}`);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

if (values.target) {
  const r = await runLoad({
    flows,
    otlpUrl: values.target,
    rate: Number(values.rate),
    durationMs: Number(values.seconds) * 1000,
    onProgress: (p) =>
      console.log(
        `${p.seconds.toFixed(0)} s: ${p.made} made, ${p.exported} acknowledged, ${p.failed} failed`,
      ),
  });
  console.log(
    `load: ${Math.round(r.exportedPerSecond)} spans/s acknowledged (${r.spansExported} in ${r.seconds.toFixed(1)} s), ` +
      `${r.spansFailed} failed, ${(r.spansMade / r.cpuSeconds).toFixed(0)} spans per CPU second`,
  );
} else {
  let c0 = cpu();
  let t0 = performance.now();
  const spans = generateSpanBatches({ flows, count: 200_000 });
  let s = (performance.now() - t0) / 1000;
  console.log(
    `spans: ${spans.spans} in ${spans.requests.length} requests, ${Math.round(spans.spans / s)} spans/s, ` +
      `${Math.round(spans.spans / (cpu() - c0))} per CPU second (${spans.bizSpans} carry biz.*)`,
  );
  c0 = cpu();
  t0 = performance.now();
  const events = generateEvents({
    flows,
    transactions: 50_000,
    mix: { late: 0.02, missing: 0.01, failed: 0.01, duplicate: 0.005 },
  });
  s = (performance.now() - t0) / 1000;
  console.log(
    `events: ${events.events.length} for ${events.truth.length} transactions, ${Math.round(events.events.length / s)} events/s, ` +
      `${Math.round(events.events.length / (cpu() - c0))} per CPU second`,
  );
}
