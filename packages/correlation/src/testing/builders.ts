import { FlowSchema, type BusinessEventInput, type Flow, type FlowInput } from '@linewatch/schema';
import type { CorrelationEvent } from '../observations.ts';

/** A valid flow for tests: release (odoo) → start (mes) → confirm (mes) → post (odoo), 5m/30m/10m deadlines. */
export function makeFlow(overrides: Partial<FlowInput> = {}): Flow {
  return FlowSchema.parse({
    id: 'production_confirmation',
    name: 'Production confirmation',
    owner: 'manufacturing-it',
    criticality: 'production',
    key: 'production_order',
    steps: [
      { id: 'release', system: 'odoo' },
      { id: 'start', system: 'mes' },
      { id: 'confirm', system: 'mes' },
      { id: 'post', system: 'odoo' },
    ],
    deadlines: [
      { from: 'release', to: 'start', within: '5m' },
      { from: 'start', to: 'confirm', within: '30m' },
      { from: 'confirm', to: 'post', within: '10m' },
    ],
    ...overrides,
  });
}

/** Base time of test scenarios: 2026-11-27T08:00:00Z. */
export const T0 = Date.parse('2026-11-27T08:00:00Z');
export const MIN = 60_000;

let seq = 0;
/** A business event `minutes` after T0, ok unless told otherwise. */
export function makeEvent(
  step: string,
  minutes: number,
  overrides: Partial<CorrelationEvent> = {},
): CorrelationEvent {
  return {
    id: `e${++seq}`,
    time: T0 + minutes * MIN,
    step,
    key: 'MO/00042',
    system: 'mes',
    plant: 'P01',
    outcome: 'ok',
    ...overrides,
  };
}

let inputSeq = 0;
/**
 * A business event as a sender posts it (`POST /v1/events`), `minutes` after T0: a
 * production_confirmation step from the MES at P01 unless told otherwise.
 */
export function makeEventInput(
  step: string,
  minutes: number,
  key: string,
  overrides: Partial<BusinessEventInput> = {},
): BusinessEventInput {
  return {
    id: `ev-${++inputSeq}`,
    time: new Date(T0 + minutes * MIN).toISOString(),
    flow: 'production_confirmation',
    step,
    key,
    system: 'mes',
    plant: 'P01',
    ...overrides,
  };
}
