import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';
import { LineCounter, parseDocument } from 'yaml';
import { formatIssues, ReportDefinitionSchema, type ReportDefinition } from '@linewatch/schema';

/** A definition and the file it came from. */
export interface LoadedReportDefinition {
  definition: ReportDefinition;
  file: string;
}

/** The outcome of one file: the definition, or every problem as `file: path: message`. */
export type ReportFileResult = { ok: true; definition: ReportDefinition } | { ok: false; problems: string[] };

/** True when croner accepts the expression in the time zone; else its message. */
export function cronProblem(cron: string, timeZone: string | undefined): string | undefined {
  try {
    new Cron(cron, { timezone: timeZone, paused: true }).stop();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Parses and validates one report definition file (YAML, schema, cron expression).
 * @example parseReportFile('reports/p01.yaml', text) // { ok: false, problems: ['reports/p01.yaml: schedule.cron: …'] }
 */
export function parseReportFile(file: string, text: string): ReportFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (doc.errors.length)
    return {
      ok: false,
      problems: doc.errors.map(
        (e) => `${file}: line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0] ?? e.message}`,
      ),
    };
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, problems: [`${file}: (root): expected a mapping`] };
  const parsed = ReportDefinitionSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: formatIssues(file, parsed.error) };
  const d = parsed.data;
  const cron = cronProblem(d.schedule.cron, d.schedule.timeZone ?? d.timeZone);
  if (cron) return { ok: false, problems: [`${file}: schedule.cron: ${cron}`] };
  return { ok: true, definition: d };
}

/** The YAML files of a directory, sorted (schema.json and other files ignored; no directory: none). */
function yamlFiles(dir: string): string[] {
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

/**
 * Reads every report definition of a directory; files with problems are left out and listed, and an
 * id defined twice keeps the first file.
 * @example const { definitions, problems } = loadReportDefinitions('./reports')
 */
export function loadReportDefinitions(dir: string): {
  definitions: LoadedReportDefinition[];
  problems: string[];
} {
  const definitions: LoadedReportDefinition[] = [];
  const problems: string[] = [];
  for (const file of yamlFiles(dir)) {
    const r = parseReportFile(file, readFileSync(file, 'utf8'));
    if (!r.ok) {
      problems.push(...r.problems);
      continue;
    }
    const twin = definitions.find((d) => d.definition.id === r.definition.id);
    if (twin) problems.push(`${file}: id: report "${r.definition.id}" is already defined in ${twin.file}`);
    else definitions.push({ definition: r.definition, file });
  }
  return { definitions, problems };
}

/**
 * Reloads a directory over the definitions loaded before: a file that now has problems keeps its last
 * good definition (unless another file took its id), and the problems are returned.
 * @example current = reloadReportDefinitions(dir, current)
 */
export function reloadReportDefinitions(
  dir: string,
  previous: { definitions: readonly LoadedReportDefinition[] },
): { definitions: LoadedReportDefinition[]; problems: string[] } {
  const next = loadReportDefinitions(dir);
  const badFiles = new Set(next.problems.map((p) => p.split(': ')[0]));
  const kept = previous.definitions.filter(
    (d) => badFiles.has(d.file) && !next.definitions.some((n) => n.definition.id === d.definition.id),
  );
  return { definitions: [...next.definitions, ...kept], problems: next.problems };
}
