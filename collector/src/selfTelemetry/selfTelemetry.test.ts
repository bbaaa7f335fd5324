import { describe, expect, it } from 'vitest';
import { createSelfTelemetry } from './selfTelemetry.ts';

describe('self-telemetry', () => {
  it('renders counters, latency histograms and gauges as Prometheus text', () => {
    const t = createSelfTelemetry();
    t.count('otlp_http', 'traces', 'accepted', 1000);
    t.count('otlp_http', 'traces', 'accepted', 500);
    t.count('otlp_http', 'traces', 'rejected', 3, 'invalid');
    t.observe('pipeline', 'otel_traces', 'insert_latency', 120);
    t.observe('pipeline', 'otel_traces', 'insert_latency', 3_000);
    t.gauge('pipeline', 'all', 'queue_fill', () => 0.25);
    const text = t.prometheusText();
    expect(text).toContain('# TYPE linewatch_collector_accepted_total counter');
    expect(text).toContain('linewatch_collector_accepted_total{component="otlp_http",signal="traces"} 1500');
    expect(text).toContain(
      'linewatch_collector_rejected_total{component="otlp_http",signal="traces",reason="invalid"} 3',
    );
    expect(text).toContain(
      'linewatch_collector_insert_latency_seconds_bucket{component="pipeline",signal="otel_traces",le="0.25"} 1',
    );
    expect(text).toContain(
      'linewatch_collector_insert_latency_seconds_bucket{component="pipeline",signal="otel_traces",le="+Inf"} 2',
    );
    expect(text).toContain(
      'linewatch_collector_insert_latency_seconds_sum{component="pipeline",signal="otel_traces"} 3.12',
    );
    expect(text).toContain('linewatch_collector_queue_fill{component="pipeline",signal="all"} 0.25');
  });

  it('writes linewatch_self rows as deltas since the last interval', () => {
    const t = createSelfTelemetry();
    t.count('events', 'business_events', 'accepted', 10);
    t.observe('pipeline', 'business_events', 'insert_latency', 40);
    const first = t.takeRows(1_800_000_000_000, 'host:1');
    expect(first.rows).toBe(4);
    expect(
      first.lines
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      {
        time: '1800000000.000',
        instance: 'host:1',
        component: 'events',
        signal: 'business_events',
        measure: 'accepted',
        reason: '',
        value: 10,
      },
      {
        time: '1800000000.000',
        instance: 'host:1',
        component: 'pipeline',
        signal: 'business_events',
        measure: 'insert_latency_count',
        reason: '',
        value: 1,
      },
      {
        time: '1800000000.000',
        instance: 'host:1',
        component: 'pipeline',
        signal: 'business_events',
        measure: 'insert_latency_sum_ms',
        reason: '',
        value: 40,
      },
      {
        time: '1800000000.000',
        instance: 'host:1',
        component: 'pipeline',
        signal: 'business_events',
        measure: 'insert_latency_max_ms',
        reason: '',
        value: 40,
      },
    ]);
    t.count('events', 'business_events', 'accepted', 5);
    const second = t.takeRows(1_800_000_015_000, 'host:1');
    expect(second.rows).toBe(1);
    expect(JSON.parse(second.lines)).toMatchObject({ measure: 'accepted', value: 5 });
    expect(t.takeRows(1_800_000_030_000, 'host:1').rows).toBe(0);
  });
});
