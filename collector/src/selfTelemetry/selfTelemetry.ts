/**
 * The collector's own counters, latencies and gauges, per component (receiver or pipeline), signal
 * and measure: rendered as Prometheus text for `/metrics`, and as rows for the `linewatch_self` table.
 */
export interface SelfTelemetry {
  /** Adds to a counter, e.g. `count('otlp_http', 'traces', 'received', 1000)`; `reason` splits rejections. */
  count(component: string, signal: string, measure: string, value?: number, reason?: string): void;
  /** Records one latency in milliseconds (histogram), e.g. insert latency per table. */
  observe(component: string, signal: string, measure: string, ms: number): void;
  /** Registers a gauge read at render time (spool bytes, queue fill). */
  gauge(component: string, signal: string, measure: string, read: () => number): void;
  /** Prometheus text exposition (format 0.0.4). */
  prometheusText(): string;
  /**
   * JSONEachRow lines for `linewatch_self`: counter deltas since the previous call, latency
   * count/sum/max over the interval, and current gauge values. Returns the lines and their number.
   */
  takeRows(nowMs: number, instance: string): { lines: string; rows: number };
}

// Latency buckets in seconds (Prometheus convention), from sub-millisecond fsyncs to slow inserts.
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface Counter {
  component: string;
  signal: string;
  measure: string;
  reason: string;
  value: number;
  reported: number;
}
interface Histogram {
  component: string;
  signal: string;
  measure: string;
  buckets: number[];
  count: number;
  sumMs: number;
  reportedCount: number;
  reportedSumMs: number;
  intervalMaxMs: number;
}
interface Gauge {
  component: string;
  signal: string;
  measure: string;
  read: () => number;
}

/** Creates the in-memory self-telemetry registry. */
export function createSelfTelemetry(): SelfTelemetry {
  const counters = new Map<string, Counter>();
  const histograms = new Map<string, Histogram>();
  const gauges = new Map<string, Gauge>();

  return {
    count(component, signal, measure, value = 1, reason = '') {
      const k = `${component}\u0000${signal}\u0000${measure}\u0000${reason}`;
      const c = counters.get(k);
      if (c) c.value += value;
      else counters.set(k, { component, signal, measure, reason, value, reported: 0 });
    },
    observe(component, signal, measure, ms) {
      const k = `${component}\u0000${signal}\u0000${measure}`;
      let h = histograms.get(k);
      if (!h) {
        h = {
          component,
          signal,
          measure,
          buckets: BUCKETS.map(() => 0),
          count: 0,
          sumMs: 0,
          reportedCount: 0,
          reportedSumMs: 0,
          intervalMaxMs: 0,
        };
        histograms.set(k, h);
      }
      const s = ms / 1000;
      for (let i = 0; i < BUCKETS.length; i++) if (s <= (BUCKETS[i] as number)) (h.buckets[i] as number)++;
      h.count++;
      h.sumMs += ms;
      h.intervalMaxMs = Math.max(h.intervalMaxMs, ms);
    },
    gauge(component, signal, measure, read) {
      gauges.set(`${component}\u0000${signal}\u0000${measure}`, { component, signal, measure, read });
    },
    prometheusText() {
      const out: string[] = [];
      const byName = new Map<string, string[]>();
      const push = (name: string, type: string, help: string, line: string) => {
        let lines = byName.get(name);
        if (!lines) {
          lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
          byName.set(name, lines);
        }
        lines.push(line);
      };
      for (const c of counters.values()) {
        const name = `linewatch_collector_${metricName(c.measure)}_total`;
        push(
          name,
          'counter',
          `Collector items ${c.measure}, per component and signal.`,
          `${name}${labels(c.component, c.signal, c.reason)} ${c.value}`,
        );
      }
      for (const h of histograms.values()) {
        const name = `linewatch_collector_${metricName(h.measure)}_seconds`;
        const help = `Collector ${h.measure} in seconds.`;
        BUCKETS.forEach((b, i) =>
          push(
            name,
            'histogram',
            help,
            `${name}_bucket${labels(h.component, h.signal, '', `le="${b}"`)} ${h.buckets[i]}`,
          ),
        );
        push(
          name,
          'histogram',
          help,
          `${name}_bucket${labels(h.component, h.signal, '', 'le="+Inf"')} ${h.count}`,
        );
        push(name, 'histogram', help, `${name}_sum${labels(h.component, h.signal, '')} ${h.sumMs / 1000}`);
        push(name, 'histogram', help, `${name}_count${labels(h.component, h.signal, '')} ${h.count}`);
      }
      for (const g of gauges.values()) {
        const name = `linewatch_collector_${metricName(g.measure)}`;
        push(
          name,
          'gauge',
          `Collector ${g.measure}.`,
          `${name}${labels(g.component, g.signal, '')} ${safeRead(g.read)}`,
        );
      }
      for (const lines of byName.values()) out.push(...lines);
      return `${out.join('\n')}\n`;
    },
    takeRows(nowMs, instance) {
      let lines = '';
      let rows = 0;
      const time = (nowMs / 1000).toFixed(3);
      const row = (component: string, signal: string, measure: string, reason: string, value: number) => {
        lines += `{"time":"${time}","instance":${JSON.stringify(instance)},"component":${JSON.stringify(component)},"signal":${JSON.stringify(signal)},"measure":${JSON.stringify(measure)},"reason":${JSON.stringify(reason)},"value":${Number.isFinite(value) ? value : 0}}\n`;
        rows++;
      };
      for (const c of counters.values()) {
        const delta = c.value - c.reported;
        if (delta === 0) continue;
        c.reported = c.value;
        row(c.component, c.signal, c.measure, c.reason, delta);
      }
      for (const h of histograms.values()) {
        const n = h.count - h.reportedCount;
        if (n === 0) continue;
        row(h.component, h.signal, `${h.measure}_count`, '', n);
        row(h.component, h.signal, `${h.measure}_sum_ms`, '', h.sumMs - h.reportedSumMs);
        row(h.component, h.signal, `${h.measure}_max_ms`, '', h.intervalMaxMs);
        h.reportedCount = h.count;
        h.reportedSumMs = h.sumMs;
        h.intervalMaxMs = 0;
      }
      for (const g of gauges.values()) row(g.component, g.signal, g.measure, '', safeRead(g.read));
      return { lines, rows };
    },
  };
}

function safeRead(read: () => number): number {
  try {
    const v = read();
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}

function metricName(measure: string): string {
  return measure.replace(/[^a-zA-Z0-9_]/g, '_');
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(component: string, signal: string, reason: string, extra?: string): string {
  const parts = [`component="${escapeLabel(component)}"`, `signal="${escapeLabel(signal)}"`];
  if (reason) parts.push(`reason="${escapeLabel(reason)}"`);
  if (extra) parts.push(extra);
  return `{${parts.join(',')}}`;
}
