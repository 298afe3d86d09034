// Reloads that overlap a save in progress: such a read is never swapped in; it is made again once the save settles, and reported only if it never does.
import { ROOT_POINTER } from '../config/json-pointer.ts';
import type { Problem } from '../errors.ts';
import { caughtMidSave, type LoadResult, type loadRuleSet } from './load-rules.ts';
import type { RuleSet } from './rule-set.ts';

/**
 * Loads in a row that may have read a save half-done (a file changed during its read, or a watcher event for a
 * rule file arrived while the load ran) are deferred quietly this many times, each retried after the debounce;
 * the next one is reported as `rules.reload_failed`, so a file written without end still surfaces. None is
 * ever swapped in.
 */
export const QUICK_RETRIES = 8;

/** The logger method the guard needs; hot reload's logger fits. */
export interface OverlapLogger {
  info(record: object, message?: string): void;
}

export interface SaveOverlapOptions {
  readonly dir: string;
  readonly load: typeof loadRuleSet;
  readonly logger: OverlapLogger;
  /** Asked after each quiet deferral to load again once the folder is quiet. */
  readonly retry: () => void;
  /** Called once per run of deferrals, when it outlasts QUICK_RETRIES, to report these problems as a refused reload. */
  readonly giveUp: (problems: readonly Problem[], kept: RuleSet) => void;
}

/** One load of the folder for a reload, and how many watcher events had been seen when it began. */
export interface ReloadRead {
  readonly result: LoadResult;
  readonly changesBefore: number;
}

/** Tells a reload whether a save overlapped its read, and owns what follows when one did: log, retry, report. */
export class SaveOverlapGuard {
  readonly #options: SaveOverlapOptions;
  /** Watcher events for rule files so far, and the last file named: a load that sees this move may hold half a save. */
  #changes = 0;
  #lastChanged: string | undefined;
  /** Loads in a row that were deferred because a save overlapped them. */
  #unsettled = 0;

  constructor(options: SaveOverlapOptions) {
    this.#options = options;
  }

  /** A watcher event for the rule file at `path` (or the folder, when no file is named). */
  changed(path: string): void {
    this.#changes++;
    this.#lastChanged = path;
  }

  /** Loads the folder once; never throws. */
  async read(): Promise<ReloadRead> {
    const changesBefore = this.#changes;
    try {
      // No retries inside the load: the reloader retries after its debounce, when the save is more likely done.
      return { result: await this.#options.load(this.#options.dir, { unstableRetries: 0 }), changesBefore };
    } catch (error) {
      return { result: { ok: false, problems: [loaderCrash(this.#options.dir, error)] }, changesBefore };
    }
  }

  /**
   * True when a save overlapped `read` (a file changed while it was read, or a watcher event arrived during it):
   * such a load says nothing about the rules, so it is neither swapped in nor refused but logged and made again
   * after the debounce; only a run longer than QUICK_RETRIES is reported, once. False for a load no save
   * overlapped, which ends the run: the caller swaps it in or refuses it.
   */
  deferIfOverlapped(read: ReloadRead, kept: RuleSet): boolean {
    const midSave = !read.result.ok && caughtMidSave(read.result.problems);
    if (!midSave && this.#changes === read.changesBefore) {
      this.#unsettled = 0;
      return false;
    }
    this.#defer(midSave ? read.result.problems : [], kept);
    return true;
  }

  #defer(problems: readonly Problem[], kept: RuleSet): void {
    this.#unsettled++;
    const reason = problems.length > 0 ? 'a rule file changed while it was read' : 'a rule file changed while the rules were loading';
    const files = problems.length > 0 ? problems.map((p) => p.file) : [this.#lastChanged ?? this.#options.dir];
    this.#options.logger.info(
      { event: 'rules.reload_deferred', dir: this.#options.dir, reason, files, attempt: this.#unsettled, keptVersion: kept.version },
      `${reason} (${files.join(', ')}); loading again once it is quiet, ${kept.version} stays in force`,
    );
    if (this.#unsettled === QUICK_RETRIES + 1) {
      this.#options.giveUp(problems.length > 0 ? problems : files.map((file) => stillChanging(file, this.#unsettled)), kept);
      // From here only a watcher event loads again: a file whose reads never settle is not retried in a loop.
      return;
    }
    if (this.#unsettled <= QUICK_RETRIES) this.#options.retry();
  }
}

function stillChanging(file: string, loads: number): Problem {
  return {
    code: 'FILE_CHANGED_WHILE_READ',
    file,
    line: 1,
    col: 1,
    pointer: ROOT_POINTER,
    message: `the rule files changed during each of the last ${loads} loads; the edit is not applied until they stay still for one load`,
  };
}

/** The loader promises problems, not exceptions; if it throws anyway the edit is still refused, with a located problem. */
function loaderCrash(dir: string, error: unknown): Problem {
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'RULES_RELOAD_FAILED', file: dir, line: 1, col: 1, pointer: ROOT_POINTER, message: `loading the rules failed unexpectedly: ${text}` };
}
