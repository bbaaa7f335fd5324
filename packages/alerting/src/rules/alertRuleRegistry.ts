import { existsSync, watch, type FSWatcher } from 'node:fs';
import type { AlertRule, RoutesFile } from '@linewatch/schema';
import { AlertRuleFileError } from '../errors.ts';
import {
  addRules,
  isRoutesFile,
  listAlertRuleFiles,
  loadAlertRules,
  parseAlertRuleFile,
  parseRoutesFile,
  readAlertFile,
  type LoadedAlertRule,
} from './loadAlertRules.ts';

/** The logging the registry needs; a pino Logger satisfies it. */
export interface AlertRuleLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** An immutable view of the rules and routes, taken once per evaluation. */
export interface AlertRuleSnapshot {
  readonly version: number;
  readonly rules: readonly LoadedAlertRule[];
  readonly routes: RoutesFile | undefined;
}

/**
 * The alert rules and routes of a directory, kept current: `watch()` reloads on change (debounced).
 * A file whose new content is invalid keeps its last good version; its problems are logged and listed.
 */
export class AlertRuleRegistry {
  private snap: AlertRuleSnapshot;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Problems of the rule files at the last (re)load, as `file: path: message` lines. */
  problems: string[] = [];
  /** Problems of the routes file at the last (re)load. */
  routesProblems: string[] = [];

  private constructor(
    readonly dir: string,
    private readonly logger: AlertRuleLogger | undefined,
    rules: LoadedAlertRule[],
    routes: RoutesFile | undefined,
  ) {
    this.snap = { version: 1, rules, routes };
  }

  /**
   * Loads every rule file of `dir` and its routes; throws AlertRuleFileError listing every problem.
   * @example const rules = AlertRuleRegistry.open({ dir: './alert-rules', logger }); rules.watch();
   */
  static open(options: { dir: string; logger?: AlertRuleLogger }): AlertRuleRegistry {
    const { rules, routes, problems } = loadAlertRules(options.dir);
    if (problems.length) throw new AlertRuleFileError(options.dir, problems);
    return new AlertRuleRegistry(options.dir, options.logger, rules, routes);
  }

  /** A registry over rules given in code (tests); `reload` and `watch` do nothing useful. */
  static fromRules(rules: readonly AlertRule[], routes?: RoutesFile, dir = '(in memory)'): AlertRuleRegistry {
    return new AlertRuleRegistry(
      dir,
      undefined,
      rules.map((rule) => ({ rule, file: `${dir}/rules.yaml` })),
      routes,
    );
  }

  /** The current rules and routes, one consistent view. */
  snapshot(): AlertRuleSnapshot {
    return this.snap;
  }

  /**
   * Re-reads the directory. Valid files replace their rules; an invalid file keeps its last good
   * rules (or routes); a deleted file removes them. Returns true when something changed.
   */
  reload(): boolean {
    const current = this.snap;
    if (!existsSync(this.dir) && current.rules.length === 0 && !current.routes) return false;
    const problems: string[] = [];
    let routesProblems: string[] = [];
    const next: LoadedAlertRule[] = [];
    let routes: RoutesFile | undefined;
    let sawRoutes = false;
    for (const file of listAlertRuleFiles(this.dir)) {
      const text = readAlertFile(file);
      if (isRoutesFile(file)) {
        if (sawRoutes) {
          routesProblems.push(`${file}: (root): routes are already defined in this directory`);
          continue;
        }
        sawRoutes = true;
        const r = text.ok ? parseRoutesFile(file, text.value) : text;
        if (r.ok) routes = r.value;
        else {
          routesProblems = r.problems;
          routes = current.routes;
        }
        continue;
      }
      const r = text.ok ? parseAlertRuleFile(file, text.value) : text;
      const rules = r.ok ? r.value : current.rules.filter((l) => l.file === file).map((l) => l.rule);
      if (!r.ok) problems.push(...r.problems);
      problems.push(...addRules(next, file, rules));
    }
    this.problems = problems;
    this.routesProblems = routesProblems;
    if (problems.length || routesProblems.length)
      this.logger?.error(
        { dir: this.dir, problems: [...problems, ...routesProblems] },
        'alert rule files have problems: keeping their last good versions',
      );
    const changed =
      JSON.stringify(next) !== JSON.stringify(current.rules) ||
      JSON.stringify(routes) !== JSON.stringify(current.routes);
    if (changed) {
      this.snap = { version: current.version + 1, rules: next, routes };
      this.logger?.info(
        { dir: this.dir, rules: next.length, version: this.snap.version },
        'alert rules reloaded',
      );
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
          this.logger?.error({ err, dir: this.dir }, 'reloading alert rules failed');
        }
      }, debounceMs);
    });
    this.watcher.on('error', (err) =>
      this.logger?.error({ err, dir: this.dir }, 'watching alert rules failed'),
    );
  }

  /** Stops watching. */
  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }
}
