import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReportDefinitions, parseReportFile, reloadReportDefinitions } from './loadReportDefinitions.ts';
import { reportJsonSchemaText } from './reportJsonSchema.ts';

const root = join(import.meta.dirname, '../../..');

describe('report definitions as code', () => {
  it('loads the shipped reports/*.yaml without problems, with the defaults filled in', () => {
    const { definitions, problems } = loadReportDefinitions(join(root, 'reports'));
    expect(problems).toEqual([]);
    const p01 = definitions.find((d) => d.definition.id === 'p01-weekly')?.definition;
    expect(p01).toMatchObject({
      scope: { plant: 'P01' },
      formats: ['html', 'pdf'],
      schedule: { cron: '0 6 * * 1', enabled: true },
      recipients: { email: ['p01-manager@example.com'], webhooks: [] },
    });
    expect(definitions.map((d) => d.definition.id).sort()).toEqual([
      'all-plants-weekly',
      'manufacturing-it-weekly',
      'p01-weekly',
    ]);
  });

  it('lists every problem as file: path: message', () => {
    const r = parseReportFile(
      'reports/bad.yaml',
      [
        'apiVersion: linewatch/v2',
        'kind: Report',
        'id: Bad',
        'name: x',
        'formats: [docx]',
        'scope: { plant: P01, owner: it }',
        'timeZone: Mars/Olympus',
        'schedul: {}',
      ].join('\n'),
    );
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^reports\/bad\.yaml: apiVersion: /),
        expect.stringMatching(/^reports\/bad\.yaml: id: expected a lowercase identifier/),
        expect.stringMatching(/^reports\/bad\.yaml: formats\.0: /),
        'reports/bad.yaml: scope: a scope is one plant or one owner, not both',
        'reports/bad.yaml: timeZone: expected an IANA time zone like "Europe/Berlin"',
        expect.stringMatching(/^reports\/bad\.yaml: \(root\): Unrecognized key: "schedul"/),
      ]),
    );
  });

  it('rejects a cron expression croner cannot read', () => {
    const r = parseReportFile(
      'reports/cron.yaml',
      'apiVersion: linewatch/v1\nkind: Report\nid: c\nname: c\nschedule: { cron: "61 6 * * 1" }\n',
    );
    expect(r.ok ? [] : r.problems).toEqual([expect.stringMatching(/^reports\/cron\.yaml: schedule\.cron: /)]);
  });

  it('keeps reports/schema.json current (regenerate with npm run reports:schema -w @linewatch/reports)', () => {
    // Compared as JSON: the repository's formatter owns the file's layout.
    expect(JSON.parse(readFileSync(join(root, 'reports/schema.json'), 'utf8'))).toEqual(
      JSON.parse(reportJsonSchemaText()),
    );
  });

  it('keeps the last good version of a file that turns bad on reload, and lists its problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-defs-'));
    try {
      const file = join(dir, 'p01.yaml');
      writeFileSync(
        file,
        'apiVersion: linewatch/v1\nkind: Report\nid: p01\nname: P01\nscope: { plant: P01 }\n',
      );
      const first = loadReportDefinitions(dir);
      writeFileSync(file, 'apiVersion: linewatch/v1\nkind: Report\nid: p01\nname: P01\nformats: [docx]\n');
      const second = reloadReportDefinitions(dir, first);
      expect(second.definitions.map((d) => d.definition.scope)).toEqual([{ plant: 'P01' }]);
      expect(second.problems).toEqual([expect.stringMatching(/p01\.yaml: formats\.0: /)]);
      writeFileSync(file, 'apiVersion: linewatch/v1\nkind: Report\nid: p01\nname: P01 fixed\n');
      expect(reloadReportDefinitions(dir, second).definitions.map((d) => d.definition.name)).toEqual([
        'P01 fixed',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
