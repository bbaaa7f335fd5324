import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  DashboardFileSchema,
  DashboardIdSchema,
  referencedVariables,
  resolvePanelParams,
  type Dashboard,
} from '@linewatch/schema';
import { parseQueryParams, type NamedQuery } from './namedQueries.ts';

/** One or more dashboard files are invalid; `issues` are `file: path: message` lines. */
export class DashboardFileError extends Error {
  override readonly name = 'DashboardFileError';
  constructor(
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid dashboards:\n  ${issues.join('\n  ')}`, options);
  }
}

/**
 * Validates one parsed dashboard file against the named queries: known queries, known parameters,
 * defined variables, literal values that parse, and columns the query really returns.
 * Returns the dashboard and a list of `path: message` issues (empty when valid).
 */
export function validateDashboard(
  id: string,
  raw: unknown,
  queries: ReadonlyMap<string, NamedQuery>,
): { dashboard?: Dashboard; issues: string[] } {
  const issues: string[] = [];
  if (!DashboardIdSchema.safeParse(id).success)
    issues.push(`(file name): "${id}" is not a valid dashboard id (lowercase letters, digits, "-" or "_")`);
  const parsed = DashboardFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues)
      issues.push(`${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    return { issues };
  }
  const file = parsed.data;
  const varNames = new Set(file.variables.map((v) => v.name));
  if (varNames.size !== file.variables.length) issues.push('variables: names must be unique');
  // Variables take their default values for the literal check; a variable left empty means "no filter".
  const defaults = Object.fromEntries(file.variables.map((v) => [v.name, v.default]));

  file.panels.forEach((panel, i) => {
    const at = `panels.${i}`;
    const q = queries.get(panel.query);
    if (!q) {
      issues.push(`${at}.query: unknown query "${panel.query}" (known: ${[...queries.keys()].join(', ')})`);
      return;
    }
    for (const name of referencedVariables(panel.params))
      if (!varNames.has(name)) issues.push(`${at}.params: "$${name}" is not a variable of this dashboard`);
    const result = parseQueryParams(q, resolvePanelParams(panel.params, defaults));
    if (!result.ok) for (const m of result.issues) issues.push(`${at}.params.${m}`);

    const columns = new Map(q.columns.map((c) => [c.name, c]));
    const need = (field: string, name: string, type?: 'time' | 'number' | 'string') => {
      const c = columns.get(name);
      if (!c)
        issues.push(
          `${at}.${field}: ${q.name} has no column "${name}" (columns: ${[...columns.keys()].join(', ')})`,
        );
      else if (type && c.type !== type)
        issues.push(`${at}.${field}: column "${name}" is a ${c.type}, expected a ${type}`);
    };
    if (panel.x) need('x', panel.x, panel.type === 'timeseries' ? 'time' : undefined);
    panel.y?.forEach((y, j) => need(`y.${j}`, y, 'number'));
    if (panel.series) need('series', panel.series, 'string');
    panel.columns?.forEach((c, j) => need(`columns.${j}`, c));
  });
  return issues.length ? { issues } : { dashboard: { id, ...file }, issues };
}

/**
 * Loads every `*.yaml`, `*.yml` and `*.json` file of `dir` as a dashboard, sorted by id.
 * Throws DashboardFileError listing every problem in every file; a missing directory is no dashboards.
 */
export function loadDashboards(dir: string, queries: ReadonlyMap<string, NamedQuery>): Dashboard[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort();
  const issues: string[] = [];
  const dashboards: Dashboard[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const path = join(dir, f);
    const id = basename(f, extname(f));
    const where = join(basename(dir), f);
    const other = seen.get(id);
    if (other) {
      issues.push(`${where}: dashboard id "${id}" is also defined by ${other}`);
      continue;
    }
    seen.set(id, where);
    let raw: unknown;
    try {
      const text = readFileSync(path, 'utf8');
      raw = /\.json$/i.test(f) ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      issues.push(`${where}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const r = validateDashboard(id, raw, queries);
    for (const m of r.issues) issues.push(`${where}: ${m}`);
    if (r.dashboard) dashboards.push(r.dashboard);
  }
  if (issues.length) throw new DashboardFileError(issues);
  return dashboards;
}
