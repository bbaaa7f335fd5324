import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { FlowSchema, formatIssues, type Flow } from '@linewatch/schema';

/** A flow and the file it came from (as `<dir>/<name>.yaml`). */
export interface LoadedFlow {
  flow: Flow;
  file: string;
}

/** The outcome of reading one flow file: the flow, or every problem as `file: path: message`. */
export type FlowFileResult = { ok: true; flow: Flow } | { ok: false; problems: string[] };

/**
 * Parses and validates the text of one flow file; `file` prefixes the problems.
 * @example parseFlowFile('flows/release.yaml', text) // { ok: false, problems: ['flows/release.yaml: steps.2.system: …'] }
 */
export function parseFlowFile(file: string, text: string): FlowFileResult {
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
  const parsed = FlowSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: formatIssues(file, parsed.error) };
  return { ok: true, flow: parsed.data };
}

/** The YAML files of a flows directory, sorted by name (`schema.json` and other files are ignored). */
export function listFlowFiles(dir: string): string[] {
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
 * Reads every flow file of a directory. Files with problems are left out and their problems listed;
 * a flow id defined twice keeps the first file (by name) and reports the second.
 * @example const { flows, problems } = loadFlows('./flows')
 */
export function loadFlows(dir: string): { flows: LoadedFlow[]; problems: string[] } {
  const flows: LoadedFlow[] = [];
  const problems: string[] = [];
  for (const file of listFlowFiles(dir)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
      continue;
    }
    const r = parseFlowFile(file, text);
    if (!r.ok) {
      problems.push(...r.problems);
      continue;
    }
    const twin = flows.find((f) => f.flow.id === r.flow.id);
    if (twin) {
      problems.push(`${file}: id: flow "${r.flow.id}" is already defined in ${twin.file}`);
      continue;
    }
    flows.push({ flow: r.flow, file });
  }
  return { flows, problems };
}
