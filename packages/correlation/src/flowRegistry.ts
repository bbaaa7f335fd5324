import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import type { Flow } from '@linewatch/schema';
import { FlowFileError } from './errors.ts';
import { listFlowFiles, loadFlows, parseFlowFile, type LoadedFlow } from './loadFlows.ts';
import type { CorrelationLogger } from './logger.ts';

/** An immutable view of the loaded flows, taken once per sweep so one sweep sees one definition. */
export interface FlowSnapshot {
  readonly version: number;
  readonly flows: ReadonlyMap<string, Flow>;
  /** Step id → ids of the flows that have a step with that id (events without `flow` match by step). */
  readonly stepFlows: ReadonlyMap<string, readonly string[]>;
}

function snapshotOf(version: number, loaded: readonly LoadedFlow[]): FlowSnapshot {
  const flows = new Map(loaded.map((l) => [l.flow.id, l.flow]));
  const stepFlows = new Map<string, string[]>();
  for (const f of flows.values())
    for (const s of f.steps) {
      const list = stepFlows.get(s.id);
      if (list) list.push(f.id);
      else stepFlows.set(s.id, [f.id]);
    }
  return { version, flows, stepFlows };
}

/**
 * The flows of a directory, kept current: `watch()` reloads on change (debounced). A file whose new
 * content is invalid keeps its last good definition and its problems are logged and listed.
 */
export class FlowRegistry {
  private loaded: LoadedFlow[];
  private snap: FlowSnapshot;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private listeners = new Set<(snapshot: FlowSnapshot) => void>();
  /** Problems of the last (re)load, as `file: path: message` lines. */
  problems: string[] = [];

  private constructor(
    readonly dir: string,
    private readonly logger: CorrelationLogger | undefined,
    initial: LoadedFlow[],
  ) {
    this.loaded = initial;
    this.snap = snapshotOf(1, initial);
  }

  /**
   * Loads every flow file of `dir`; throws FlowFileError listing every problem, so a bad flow fails
   * the start loudly. A missing directory means no flows.
   * @example const flows = FlowRegistry.open({ dir: config.paths.flows, logger }); flows.watch();
   */
  static open(options: { dir: string; logger?: CorrelationLogger }): FlowRegistry {
    const { flows, problems } = loadFlows(options.dir);
    if (problems.length) throw new FlowFileError(options.dir, problems);
    return new FlowRegistry(options.dir, options.logger, flows);
  }

  /** A registry over flows given in code (tests, benchmarks); `reload` and `watch` do nothing useful. */
  static fromFlows(flows: readonly Flow[], dir = '(in memory)'): FlowRegistry {
    return new FlowRegistry(
      dir,
      undefined,
      flows.map((flow) => ({ flow, file: `${dir}/${flow.id}.yaml` })),
    );
  }

  /** The current flows, one consistent view. */
  snapshot(): FlowSnapshot {
    return this.snap;
  }

  list(): readonly LoadedFlow[] {
    return this.loaded;
  }

  get(id: string): Flow | undefined {
    return this.snap.flows.get(id);
  }

  /** Called with the new snapshot after every reload that changed something. */
  onChange(listener: (snapshot: FlowSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Re-reads the directory. Valid files replace their flows; an invalid file keeps its last good
   * definition; a deleted file removes its flows. Returns true when the flows changed.
   */
  reload(): boolean {
    if (!existsSync(this.dir) && this.loaded.length === 0) return false;
    const problems: string[] = [];
    const next: LoadedFlow[] = [];
    const files = listFlowFiles(this.dir);
    for (const file of files) {
      let result;
      try {
        result = parseFlowFile(file, readFileSync(file, 'utf8'));
      } catch (e) {
        result = { ok: false as const, problems: [`${file}: ${(e as Error).message}`] };
      }
      const previous = this.loaded.filter((l) => l.file === file);
      if (!result.ok) {
        problems.push(...result.problems);
        next.push(...previous);
        continue;
      }
      const flow = result.flow;
      const twin = next.find((l) => l.flow.id === flow.id);
      if (twin) {
        problems.push(`${file}: id: flow "${flow.id}" is already defined in ${twin.file}`);
        next.push(...previous.filter((p) => !next.some((n) => n.flow.id === p.flow.id)));
        continue;
      }
      next.push({ flow, file });
    }
    this.problems = problems;
    if (problems.length)
      this.logger?.error(
        { dir: this.dir, problems },
        'flow files have problems: keeping their last good definitions',
      );
    const changed = JSON.stringify(next) !== JSON.stringify(this.loaded);
    if (changed) {
      this.loaded = next;
      this.snap = snapshotOf(this.snap.version + 1, next);
      this.logger?.info(
        { dir: this.dir, flows: next.map((l) => l.flow.id), version: this.snap.version },
        'flows reloaded',
      );
      for (const l of this.listeners) l(this.snap);
    }
    return changed;
  }

  /** Watches the directory and reloads `debounceMs` after the last change. */
  watch(debounceMs = 250): void {
    if (this.watcher || !existsSync(this.dir)) return;
    this.watcher = watch(this.dir, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        try {
          this.reload();
        } catch (err) {
          this.logger?.error({ err, dir: this.dir }, 'reloading flows failed');
        }
      }, debounceMs);
    });
    this.watcher.on('error', (err) => this.logger?.error({ err, dir: this.dir }, 'watching flows failed'));
  }

  /** Stops watching. */
  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }
}
