import { describe, expect, it } from 'vitest';
import { parseDuration } from '@linewatch/schema';
import { makePlants } from './estate.ts';
import { queueName } from './planTransactions.ts';
import { resolveScenarioTarget, SCENARIO_NAMES, ScenarioError, scheduleScenarios } from './scenarios.ts';
import { exampleSimFlows } from './testing/exampleFlows.ts';

const start = Date.parse('2026-11-25T08:00:00Z');
const MIN = 60_000;

describe('scheduleScenarios', () => {
  it('staggers scenarios through the run after a warm-up', () => {
    const windows = scheduleScenarios(['connector-outage', 'slow-consumer'], start, 60 * MIN, parseDuration);
    expect(windows[0]).toEqual({ name: 'connector-outage', from: start + 9 * MIN, to: start + 19 * MIN });
    expect(windows[1]!.from).toBe(start + 24 * MIN);
    expect(windows[1]!.to - windows[1]!.from).toBe(12 * MIN);
  });

  it('takes an explicit start offset and length', () => {
    expect(scheduleScenarios(['clock-skew@20m+5m'], start, 60 * MIN, parseDuration)).toEqual([
      { name: 'clock-skew', from: start + 20 * MIN, to: start + 25 * MIN },
    ]);
  });

  it('refuses an unknown scenario and names the known ones', () => {
    expect(() => scheduleScenarios(['meteor-strike'], start, 60 * MIN, parseDuration)).toThrow(ScenarioError);
    expect(() => scheduleScenarios(['meteor-strike'], start, 60 * MIN, parseDuration)).toThrow(
      /connector-outage/,
    );
  });
});

describe('resolveScenarioTarget', () => {
  const flows = exampleSimFlows();
  const plants = makePlants(3);

  it('resolves every scenario against flows that have MES, middleware queues, partners and Odoo steps', () => {
    for (const name of SCENARIO_NAMES) {
      const target = resolveScenarioTarget(name, flows, plants, queueName);
      expect(target.flows.length, name).toBeGreaterThan(0);
    }
  });

  it('takes the MES of the second plant down in a connector outage, with its inbound queues', () => {
    const t = resolveScenarioTarget('connector-outage', flows, plants, queueName);
    expect(t).toMatchObject({ plant: 'P02', system: 'mes' });
    expect(t.queues).toContain('p02.mes.production_order_release');
  });

  it('says which flow feature is missing when a scenario cannot be played', () => {
    const odooOnly = [
      {
        id: 'x',
        key: 'k',
        steps: [{ id: 'a', system: 'odoo', optional: false, repeat: false }],
        deadlines: [],
        plants: [],
      },
    ];
    expect(() => resolveScenarioTarget('connector-outage', odooOnly, plants, queueName)).toThrow(
      /no flow has an MES step/,
    );
  });
});
