import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFlows, parseFlowFile } from './loadFlows.ts';

const valid = `
id: release
name: Release
owner: it
criticality: production
key: production_order
steps:
  - { id: mo_confirmed, system: odoo }
  - { id: mes_order_created, system: mes }
deadlines:
  - { from: mo_confirmed, to: mes_order_created, within: 5m, plants: { P02: 10m } }
`;

describe('parseFlowFile', () => {
  it('parses durations into milliseconds and fills defaults', () => {
    const r = parseFlowFile('flows/release.yaml', valid);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.flow.deadlines[0]).toEqual({
      from: 'mo_confirmed',
      to: 'mes_order_created',
      within: 300_000,
      plants: { P02: 600_000 },
    });
    expect(r.flow.slo.onTimeTarget).toBe(0.99);
    expect(r.flow.steps[0]?.optional).toBe(false);
  });

  it('reports every problem as file: path: message', () => {
    const text = valid
      .replace('within: 5m', 'within: soon')
      .replace('{ id: mes_order_created, system: mes }', '{ id: mes_order_created }')
      .replace('criticality: production', 'criticality: urgent');
    const r = parseFlowFile('flows/release.yaml', text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        'flows/release.yaml: deadlines.0.within: expected a duration like "5m", got "soon"',
        expect.stringMatching(/^flows\/release\.yaml: steps\.1\.system: /),
        expect.stringMatching(/^flows\/release\.yaml: criticality: /),
      ]),
    );
  });

  it('rejects deadlines between unknown steps and a misspelt field', () => {
    const r = parseFlowFile(
      'f.yaml',
      `${valid}\n  - { from: mo_confirmed, to: shipped, within: 1h }\ndeadline: []\n`,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toContain('f.yaml: deadlines.1.to: unknown step "shipped"');
    expect(r.problems.some((p) => p.startsWith('f.yaml: (root): ') && p.includes('deadline'))).toBe(true);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parseFlowFile('f.yaml', 'id: x\nsteps: [\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/^f\.yaml: line \d+: /);
  });
});

describe('loadFlows', () => {
  it('loads the yaml files of a directory and reports a flow id defined twice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-'));
    writeFileSync(join(dir, 'a.yaml'), valid);
    writeFileSync(join(dir, 'b.yml'), valid);
    writeFileSync(join(dir, 'schema.json'), '{}');
    const r = loadFlows(dir);
    expect(r.flows.map((f) => f.file)).toEqual([join(dir, 'a.yaml')]);
    expect(r.problems).toEqual([
      `${join(dir, 'b.yml')}: id: flow "release" is already defined in ${join(dir, 'a.yaml')}`,
    ]);
  });

  it('treats a missing directory as no flows', () => {
    expect(loadFlows(join(tmpdir(), 'no-such-flows-dir-x'))).toEqual({ flows: [], problems: [] });
  });

  it('loads every shipped example flow without a problem', () => {
    const r = loadFlows(join(import.meta.dirname, '../../../flows'));
    expect(r.problems).toEqual([]);
    expect(r.flows.map((f) => f.flow.id).sort()).toEqual([
      'goods_movement',
      'machine_downtime',
      'production_confirmation',
      'production_order_release',
      'quality_hold',
      'shipment_booking',
      'supplier_asn_receipt',
    ]);
    for (const { flow } of r.flows) expect(flow.deadlines.length).toBeGreaterThan(0);
  });
});
