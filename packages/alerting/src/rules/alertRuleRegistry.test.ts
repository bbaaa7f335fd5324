import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertRuleFileError } from '../errors.ts';
import { AlertRuleRegistry } from './alertRuleRegistry.ts';

const file = (...rules: [string, number][]) =>
  'apiVersion: linewatch/v1\nkind: AlertRules\nrules:\n' +
  rules
    .map(
      ([id, t]) =>
        `  - { id: ${id}, kind: flow, flows: ['*'], condition: { status: failed, threshold: ${t} } }\n`,
    )
    .join('');
const threshold = (r: AlertRuleRegistry, id: string) => {
  const rule = r.snapshot().rules.find((l) => l.rule.id === id)?.rule;
  return rule?.kind === 'flow' ? rule.condition.threshold : undefined;
};

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let registry: AlertRuleRegistry | undefined;
afterEach(() => registry?.close());

describe('AlertRuleRegistry', () => {
  it('fails to open with every problem listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    writeFileSync(join(dir, 'a.yaml'), file(['a', -1]));
    writeFileSync(join(dir, 'b.yaml'), file(['a', 1], ['a', 2]));
    try {
      AlertRuleRegistry.open({ dir });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AlertRuleFileError);
      expect((e as AlertRuleFileError).issues).toEqual([
        expect.stringMatching(new RegExp(`^${join(dir, 'a.yaml')}: rules\\.0\\.condition\\.threshold: `)),
        `${join(dir, 'b.yaml')}: rules.1.id: rule "a" is already defined at rules.0`,
      ]);
    }
  });

  it('keeps the last good version of a file that turns invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    writeFileSync(join(dir, 'a.yaml'), file(['a', 1]));
    registry = AlertRuleRegistry.open({ dir });
    writeFileSync(join(dir, 'a.yaml'), file(['a', -5]));
    expect(registry.reload()).toBe(false);
    expect(threshold(registry, 'a')).toBe(1);
    expect(registry.problems).toEqual([expect.stringMatching(/a\.yaml: rules\.0\.condition\.threshold: /)]);
    writeFileSync(join(dir, 'a.yaml'), file(['a', 3]));
    expect(registry.reload()).toBe(true);
    expect(threshold(registry, 'a')).toBe(3);
    expect(registry.snapshot().version).toBe(2);
    expect(registry.problems).toEqual([]);
  });

  it('keeps the last good routes and lists their problems separately', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    const routes = (c: string) =>
      `apiVersion: linewatch/v1\nkind: AlertRoutes\ncontacts: [{ id: s, name: S, channels: [{ type: email, to: [s@x.example] }] }]\nroute: { contacts: [${c}] }\n`;
    writeFileSync(join(dir, 'routes.yaml'), routes('s'));
    registry = AlertRuleRegistry.open({ dir });
    writeFileSync(join(dir, 'routes.yaml'), routes('t'));
    expect(registry.reload()).toBe(false);
    expect(registry.snapshot().routes?.route.contacts).toEqual(['s']);
    expect(registry.routesProblems).toEqual([
      `${join(dir, 'routes.yaml')}: route.contacts.0: unknown contact "t"`,
    ]);
  });

  it('reports a duplicate id across files on reload and keeps the first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    writeFileSync(join(dir, 'a.yaml'), file(['a', 1]));
    registry = AlertRuleRegistry.open({ dir });
    writeFileSync(join(dir, 'b.yaml'), file(['a', 2], ['b', 1]));
    expect(registry.reload()).toBe(true);
    expect(registry.snapshot().rules.map((l) => l.rule.id)).toEqual(['a', 'b']);
    expect(threshold(registry, 'a')).toBe(1);
    expect(registry.problems).toEqual([
      `${join(dir, 'b.yaml')}: rules.0.id: rule "a" is already defined in ${join(dir, 'a.yaml')}`,
    ]);
  });

  it('picks up changes when watching', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alert-rules-'));
    writeFileSync(join(dir, 'a.yaml'), file(['a', 1]));
    registry = AlertRuleRegistry.open({ dir });
    registry.watch(20);
    writeFileSync(join(dir, 'a.yaml'), file(['a', 7]));
    await until(() => threshold(registry!, 'a') === 7);
  });

  it('builds from rules in code', () => {
    const r = AlertRuleRegistry.fromRules([]);
    expect(r.snapshot()).toEqual({ version: 1, rules: [], routes: undefined });
  });
});
