import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAlertRules } from './loadAlertRules.ts';
import { ruleJsonSchemaText } from './ruleJsonSchema.ts';
import { readFileSync } from 'node:fs';

const head = 'apiVersion: linewatch/v1\nkind: AlertRules\nrules:\n';
const rule = (id: string, threshold = '1') =>
  `  - { id: ${id}, kind: flow, flows: ['*'], condition: { status: failed, threshold: ${threshold} } }\n`;
const routes = (contact: string) =>
  `apiVersion: linewatch/v1\nkind: AlertRoutes\ncontacts:\n  - { id: support, name: Support, channels: [{ type: email, to: [s@x.example] }] }\nroute: { contacts: [${contact}] }\n`;

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'alert-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('loadAlertRules', () => {
  it('loads the shipped alert-rules directory with no problems', () => {
    const r = loadAlertRules(join(import.meta.dirname, '../../../../alert-rules'));
    expect(r.problems).toEqual([]);
    expect(r.rules.length).toBeGreaterThanOrEqual(25);
    expect(r.routes?.contacts.length).toBeGreaterThan(0);
  });

  it('treats a missing directory as no rules', () => {
    const r = loadAlertRules(join(tmpdir(), 'no-such-alert-rules-dir'));
    expect(r).toMatchObject({ rules: [], routes: undefined, problems: [] });
  });

  it('lists a bad file with its path and the issue path', () => {
    const d = dir({ 'a.yaml': head + rule('a') + rule('b') + rule('c', '-1'), 'b.yml': head + rule('d') });
    const r = loadAlertRules(d);
    expect(r.rules.map((l) => l.rule.id)).toEqual(['d']);
    expect(r.problems).toEqual([
      expect.stringMatching(new RegExp(`^${join(d, 'a.yaml')}: rules\\.2\\.condition\\.threshold: `)),
    ]);
  });

  it('reports YAML syntax errors with a line', () => {
    const d = dir({ 'a.yaml': head + '  - { id: a\n' });
    expect(loadAlertRules(d).problems[0]).toMatch(new RegExp(`^${join(d, 'a.yaml')}: line \\d+: `));
  });

  it('reports a rule id defined in two files, keeping the first', () => {
    const d = dir({ 'a.yaml': head + rule('x'), 'b.yaml': head + rule('x') + rule('y') });
    const r = loadAlertRules(d);
    expect(r.rules.map((l) => `${l.rule.id}@${l.file}`)).toEqual([
      `x@${join(d, 'a.yaml')}`,
      `y@${join(d, 'b.yaml')}`,
    ]);
    expect(r.problems).toEqual([
      `${join(d, 'b.yaml')}: rules.0.id: rule "x" is already defined in ${join(d, 'a.yaml')}`,
    ]);
  });

  it('parses routes.yaml as routes and reports unknown contacts', () => {
    expect(loadAlertRules(dir({ 'routes.yaml': routes('support') })).routes?.route.contacts).toEqual([
      'support',
    ]);
    const d = dir({ 'routes.yaml': routes('nobody') });
    const r = loadAlertRules(d);
    expect(r.routes).toBeUndefined();
    expect(r.routesFile).toBe(join(d, 'routes.yaml'));
    expect(r.problems).toEqual([`${join(d, 'routes.yaml')}: route.contacts.0: unknown contact "nobody"`]);
  });
});

describe('alert-rules/schema.json', () => {
  it('is current with the rule schemas (regenerate with npm run rules:schema -w @linewatch/alerting)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../../../alert-rules/schema.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(ruleJsonSchemaText()));
  });
});
