import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import {
  AlertRuleFileSchema,
  formatIssues,
  RoutesFileSchema,
  type AlertRule,
  type RouteNode,
  type RoutesFile,
} from '@linewatch/schema';

/** A rule and the file it came from (as `<dir>/<name>.yaml`). */
export interface LoadedAlertRule {
  rule: AlertRule;
  file: string;
}

/** The outcome of reading one file: its value, or every problem as `file: path: message`. */
export type AlertFileResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** What `loadAlertRules` read from a directory. */
export interface LoadedAlertRules {
  rules: LoadedAlertRule[];
  routes: RoutesFile | undefined;
  /** The routes file path (`<dir>/routes.yaml`), whether or not it exists. */
  routesFile: string;
  problems: string[];
}

/** True for the routing file of a rules directory (`routes.yaml` / `routes.yml`). */
export function isRoutesFile(file: string): boolean {
  return /^routes\.ya?ml$/i.test(basename(file));
}

function parseYaml(file: string, text: string): AlertFileResult<Record<string, unknown>> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map(
        (e) => `${file}: line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0] ?? e.message}`,
      ),
    };
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, problems: [`${file}: (root): expected a mapping`] };
  return { ok: true, value: raw as Record<string, unknown> };
}

/**
 * Parses and validates the text of one rule file (`kind: AlertRules`); `file` prefixes the problems.
 * @example parseAlertRuleFile('alert-rules/flows.yaml', text) // { ok: false, problems: ['alert-rules/flows.yaml: rules.2.condition.threshold: …'] }
 */
export function parseAlertRuleFile(file: string, text: string): AlertFileResult<AlertRule[]> {
  const raw = parseYaml(file, text);
  if (!raw.ok) return raw;
  const parsed = AlertRuleFileSchema.safeParse(raw.value);
  if (!parsed.success) return { ok: false, problems: formatIssues(file, parsed.error) };
  const problems: string[] = [];
  parsed.data.rules.forEach((r, i) => {
    const first = parsed.data.rules.findIndex((o) => o.id === r.id);
    if (first !== i)
      problems.push(`${file}: rules.${i}.id: rule "${r.id}" is already defined at rules.${first}`);
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: parsed.data.rules };
}

function routeContacts(node: RouteNode, path: string, out: { path: string; contact: string }[]): void {
  node.contacts.forEach((c, i) => out.push({ path: `${path}.contacts.${i}`, contact: c }));
  node.escalation?.forEach((step, s) =>
    step.contacts.forEach((c, i) => out.push({ path: `${path}.escalation.${s}.contacts.${i}`, contact: c })),
  );
  node.routes.forEach((child, i) => routeContacts(child, `${path}.routes.${i}`, out));
}

/**
 * Parses and validates the routing file (`kind: AlertRoutes`): contacts must be unique and every
 * contact a route or escalation names must be defined.
 */
export function parseRoutesFile(file: string, text: string): AlertFileResult<RoutesFile> {
  const raw = parseYaml(file, text);
  if (!raw.ok) return raw;
  const parsed = RoutesFileSchema.safeParse(raw.value);
  if (!parsed.success) return { ok: false, problems: formatIssues(file, parsed.error) };
  const routes = parsed.data;
  const problems: string[] = [];
  const ids = new Set<string>();
  routes.contacts.forEach((c, i) => {
    if (ids.has(c.id)) problems.push(`${file}: contacts.${i}.id: contact "${c.id}" is defined twice`);
    ids.add(c.id);
  });
  const windows = new Set<string>();
  routes.maintenanceWindows.forEach((w, i) => {
    if (windows.has(w.id))
      problems.push(`${file}: maintenanceWindows.${i}.id: maintenance window "${w.id}" is defined twice`);
    windows.add(w.id);
  });
  const refs: { path: string; contact: string }[] = [];
  routeContacts(routes.route, 'route', refs);
  for (const r of refs)
    if (!ids.has(r.contact)) problems.push(`${file}: ${r.path}: unknown contact "${r.contact}"`);
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: routes };
}

/** The YAML files of a rules directory, sorted by name (`schema.json` and other files are ignored). */
export function listAlertRuleFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.'))
    .filter((n) => statSync(join(dir, n)).isFile())
    .sort()
    .map((n) => join(dir, n));
}

/** Reads a file, turning a read error into a problem line. */
export function readAlertFile(file: string): AlertFileResult<string> {
  try {
    return { ok: true, value: readFileSync(file, 'utf8') };
  } catch (e) {
    return { ok: false, problems: [`${file}: ${(e as Error).message}`] };
  }
}

/**
 * Reads every rule file of a directory and its `routes.yaml`. Files with problems are left out and
 * their problems listed; a rule id defined in two files keeps the first file (by name) and reports
 * the second. A missing directory means no rules and no routes.
 * @example const { rules, routes, problems } = loadAlertRules('./alert-rules')
 */
export function loadAlertRules(dir: string): LoadedAlertRules {
  const rules: LoadedAlertRule[] = [];
  const problems: string[] = [];
  let routes: RoutesFile | undefined;
  let routesFile = join(dir, 'routes.yaml');
  for (const file of listAlertRuleFiles(dir)) {
    const text = readAlertFile(file);
    if (!text.ok) {
      problems.push(...text.problems);
      continue;
    }
    if (isRoutesFile(file)) {
      if (routes) {
        problems.push(`${file}: (root): routes are already defined in ${routesFile}`);
        continue;
      }
      routesFile = file;
      const r = parseRoutesFile(file, text.value);
      if (r.ok) routes = r.value;
      else problems.push(...r.problems);
      continue;
    }
    const r = parseAlertRuleFile(file, text.value);
    if (!r.ok) {
      problems.push(...r.problems);
      continue;
    }
    problems.push(...addRules(rules, file, r.value));
  }
  return { rules, routes, routesFile, problems };
}

/** Appends a file's rules to `into`, skipping (and reporting) ids another file already defines. */
export function addRules(into: LoadedAlertRule[], file: string, rules: readonly AlertRule[]): string[] {
  const problems: string[] = [];
  rules.forEach((rule, i) => {
    const twin = into.find((l) => l.rule.id === rule.id);
    if (twin) problems.push(`${file}: rules.${i}.id: rule "${rule.id}" is already defined in ${twin.file}`);
    else into.push({ rule, file });
  });
  return problems;
}
