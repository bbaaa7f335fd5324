import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowFileError } from './errors.ts';
import { FlowRegistry } from './flowRegistry.ts';

const flowText = (id: string, within: string, extraStep = '') => `
id: ${id}
name: ${id}
owner: it
criticality: inventory
key: picking
steps:
  - { id: requested, system: odoo }
  - { id: moved, system: wms }${extraStep}
deadlines:
  - { from: requested, to: moved, within: ${within} }
`;

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let registry: FlowRegistry | undefined;
afterEach(() => registry?.close());

describe('FlowRegistry', () => {
  it('fails to open with every problem listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-'));
    writeFileSync(join(dir, 'a.yaml'), flowText('a', 'later'));
    writeFileSync(join(dir, 'b.yaml'), flowText('b', '5m').replace('criticality: inventory', ''));
    try {
      FlowRegistry.open({ dir });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FlowFileError);
      expect((e as FlowFileError).issues).toEqual([
        `${join(dir, 'a.yaml')}: deadlines.0.within: expected a duration like "5m", got "later"`,
        expect.stringMatching(new RegExp(`^${join(dir, 'b.yaml')}: criticality: `)),
      ]);
    }
  });

  it('picks up a changed flow file without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-'));
    writeFileSync(join(dir, 'a.yaml'), flowText('a', '5m'));
    registry = FlowRegistry.open({ dir });
    registry.watch(20);
    expect(registry.get('a')?.deadlines[0]?.within).toBe(300_000);
    writeFileSync(join(dir, 'a.yaml'), flowText('a', '15m'));
    await until(() => registry?.get('a')?.deadlines[0]?.within === 900_000);
    writeFileSync(join(dir, 'b.yaml'), flowText('b', '1h'));
    await until(() => registry?.get('b') !== undefined);
    expect(registry.snapshot().stepFlows.get('moved')).toEqual(['a', 'b']);
    rmSync(join(dir, 'b.yaml'));
    await until(() => registry?.get('b') === undefined);
  });

  it('keeps the last good definition when a file changes to invalid content, and lists its problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flows-'));
    writeFileSync(join(dir, 'a.yaml'), flowText('a', '5m'));
    registry = FlowRegistry.open({ dir });
    const before = registry.snapshot().version;
    writeFileSync(join(dir, 'a.yaml'), flowText('a', '5m', '\n  - { id: posted }'));
    expect(registry.reload()).toBe(false);
    expect(registry.get('a')?.steps).toHaveLength(2);
    expect(registry.snapshot().version).toBe(before);
    expect(registry.problems).toEqual([
      expect.stringMatching(new RegExp(`^${join(dir, 'a.yaml')}: steps\\.2\\.system: `)),
    ]);
    writeFileSync(join(dir, 'a.yaml'), flowText('a', '5m', '\n  - { id: posted, system: odoo }'));
    expect(registry.reload()).toBe(true);
    expect(registry.get('a')?.steps).toHaveLength(3);
    expect(registry.problems).toEqual([]);
  });
});
