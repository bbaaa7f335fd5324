import { describe, expect, it } from 'vitest';
import { exampleSimFlows } from '../testing/exampleFlows.ts';
import { generateSpanBatches } from './generateSpanBatches.ts';

describe('generateSpanBatches', () => {
  it('pre-serialises the asked number of spans into OTLP protobuf requests of the batch size', () => {
    const b = generateSpanBatches({ flows: exampleSimFlows(), count: 2_500, batchSize: 1_000, seed: 4 });
    expect(b.spans).toBe(2_500);
    expect(b.requests).toHaveLength(3);
    expect(b.bizSpans).toBeGreaterThan(1_000);
    expect(b.bizSpans).toBeLessThan(2_500);
    // ExportTraceServiceRequest: field 1 (resource_spans), length-delimited.
    expect(b.requests.every((r) => r[0] === 0x0a && r.length > 50_000)).toBe(true);
    const text = Buffer.from(b.requests[0]!).toString('latin1');
    expect(text).toContain('biz.step');
    expect(text).toContain('service.name');
  });

  it('makes the same bytes for the same seed', () => {
    const a = generateSpanBatches({ flows: exampleSimFlows(), count: 300, seed: 5 });
    const b = generateSpanBatches({ flows: exampleSimFlows(), count: 300, seed: 5 });
    expect(Buffer.concat(b.requests).equals(Buffer.concat(a.requests))).toBe(true);
  });
});
