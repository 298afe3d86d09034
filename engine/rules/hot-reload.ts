// Hot reload of the rules folder: watch, debounce, load aside, swap atomically; an invalid edit keeps the last good set.
import { basename, join } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { EventBus } from '../bus.ts';
import { type Clock, systemClock } from '../clock.ts';
import { type Problem, TradegateError, formatProblem } from '../errors.ts';
import { isRuleFileName, loadRuleSet } from './load-rules.ts';
import { RemovalGrace } from './removal-grace.ts';
import { diffRuleSets } from './rule-diff.ts';
import type { RuleSet } from './rule-set.ts';
import { SaveOverlapGuard } from './save-overlap.ts';

export { QUICK_RETRIES } from './save-overlap.ts';

/** Where the gate reads the rule set in force: one complete, immutable set per call. */
export interface RuleSetHolder {
  current(): RuleSet;
}

/** The few logger methods hot reload needs; a pino logger fits (rules/ may not import observe/). */
export interface ReloadLogger {
  info(record: object, message?: string): void;
  error(record: object, message?: string): void;
}

export type RuleSetLoader = typeof loadRuleSet;

export interface HotReloadOptions {
  readonly logger: ReloadLogger;
  readonly bus?: EventBus;
  /** Times each reload for the `ms` of its log line and event (debounce timers run on real time). */
  readonly clock?: Clock;
  /** Quiet time after the last change before loading (config `reload.debounce_ms`). */
  readonly debounceMs?: number;
  /** A folder that never stops changing is still reloaded this long after its first change (default: the larger of 500 ms and the debounce). */
  readonly maxWaitMs?: number;
  /** How long rules that vanish from the folder stay in force (see RemovalGrace); additions and changes are never held. */
  readonly removalGraceMs?: number;
  /** The loader; tests wrap the real one to watch how it is called. */
  readonly load?: RuleSetLoader;
}

export interface ReloadStatus {
  readonly loads: number;
  readonly loading: boolean;
  /** A change arrived during a load: one more load follows it. */
  readonly pending: boolean;
  /** A change is waiting out the debounce. */
  readonly scheduled: boolean;
  /** Ids of rules missing from the folder that stay in force until their removal grace ends. */
  readonly held: readonly string[];
}

export interface LiveRuleSet extends RuleSetHolder {
  readonly dir: string;
  status(): ReloadStatus;
  /** Stops watching and waits for a load in progress; nothing is swapped, logged or emitted after. */
  close(): Promise<void>;
}

/**
 * Long enough to coalesce one editor save, short enough to leave most of the 100 ms reload budget (p99,
 * write to in force) to the load. Measured here through this watcher's raw events: every event of one save
 * (in place, temp file + rename, vim's rename-away-then-write, sed -i, a shell redirect) arrived within 5 ms
 * of the first, even at load average 5 on 2 cores; 25 ms is five times that.
 */
export const DEFAULT_DEBOUNCE_MS = 25;
export const DEFAULT_MAX_WAIT_MS = 500;

/**
 * Loads the rules in `dir` and keeps them current as the folder changes. Refuses to start
 * (throws TradegateError RULE_SET_UNAVAILABLE with every problem) when the rules do not load.
 */
export async function startRuleSet(dir: string, options: HotReloadOptions): Promise<LiveRuleSet> {
  const reloader = new Reloader(dir, options);
  await reloader.start();
  return reloader;
}

class Reloader implements LiveRuleSet {
  readonly dir: string;
  readonly #options: HotReloadOptions;
  readonly #clock: Clock;
  readonly #load: RuleSetLoader;
  #current: RuleSet | undefined;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #firstChangeAt: number | undefined;
  #loop: Promise<void> | undefined;
  #pending = false;
  #loads = 0;
  #closed = false;
  readonly #grace: RemovalGrace;
  readonly #overlap: SaveOverlapGuard;

  constructor(dir: string, options: HotReloadOptions) {
    this.dir = dir;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#load = options.load ?? loadRuleSet;
    this.#grace = new RemovalGrace({ graceMs: options.removalGraceMs, logger: options.logger, bus: options.bus, onExpiry: () => this.#requestLoad() });
    this.#overlap = new SaveOverlapGuard({
      dir,
      load: this.#load,
      logger: options.logger,
      // A change seen by the watcher has already scheduled the next load; a torn read it missed has not.
      retry: () => {
        if (!this.#pending && !this.#timer) this.#schedule();
      },
      giveUp: (problems, kept) => this.#refuse(problems, kept),
    });
  }

  current(): RuleSet {
    if (!this.#current) throw new TradegateError('RULE_SET_UNAVAILABLE', 'no rule set has been loaded');
    return this.#current;
  }

  status(): ReloadStatus {
    return { loads: this.#loads, loading: this.#loop !== undefined, pending: this.#pending, scheduled: this.#timer !== undefined, held: this.#grace.held() };
  }

  /** Watches before the first load, so an edit made while it runs is picked up by a second load. */
  async start(): Promise<void> {
    this.#watcher = await this.#watch();
    const loading = this.#initialLoad();
    this.#track(loading.then(() => this.#drain(), () => undefined));
    try {
      await loading;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#grace.cancel();
    await this.#watcher?.close();
    await this.#loop;
  }

  #watch(): Promise<FSWatcher> {
    const watcher = watch(this.dir, { ignoreInitial: true, depth: 0, persistent: true });
    // Exactly the files the loader reads: a test case, a hidden file or an editor's swap, backup or
    // temp file (`x.yaml.swp`, `x.yaml~`, `.#x.yaml`, vim's `4913`, `x.yaml.tmp`) cannot change the set.
    const onChange = (path: string) => {
      if (isRuleFileName(basename(path))) this.#changed(path);
    };
    watcher.on('add', onChange).on('change', onChange).on('unlink', onChange);
    // chokidar drops a file's `change` that follows another within 50 ms (a throttle, not a debounce),
    // which would leave the second of two quick saves unread; raw events from the folder are never
    // dropped. A raw event without a file name could be any file: reload to be safe.
    watcher.on('raw', (_type, path) => {
      if (typeof path !== 'string' || path === '' || isRuleFileName(basename(path))) this.#changed(typeof path === 'string' && path !== '' ? join(this.dir, basename(path)) : this.dir);
    });
    watcher.on('unlinkDir', () => this.#changed(this.dir));
    watcher.on('error', (error) => {
      this.#options.logger.error({ event: 'rules.watch_error', dir: this.dir, error: String(error) }, 'watching the rules folder failed; edits may not be seen');
    });
    return new Promise((resolve) => watcher.once('ready', () => resolve(watcher)));
  }

  async #initialLoad(): Promise<void> {
    const result = await this.#load(this.dir);
    this.#loads++;
    if (!result.ok) {
      const lines = result.problems.map(formatProblem);
      throw new TradegateError('RULE_SET_UNAVAILABLE', `the rules in ${this.dir} do not load; refusing to start:\n${lines.join('\n')}`, {
        problems: result.problems,
      });
    }
    this.#current = result.ruleSet;
    this.#options.logger.info(
      { event: 'rules.loaded', dir: this.dir, version: result.ruleSet.version, rules: result.ruleSet.rules.length, warnings: result.problems.map(formatProblem) },
      `rule set ${result.ruleSet.version} loaded (${result.ruleSet.rules.length} rules)`,
    );
  }

  #changed(path: string): void {
    this.#overlap.changed(path);
    this.#schedule();
  }

  /** Debounces changes, but never past maxWait after the first, so a busy folder still reloads. */
  #schedule(): void {
    if (this.#closed) return;
    const now = performance.now();
    this.#firstChangeAt ??= now;
    const debounce = this.#options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    const maxWait = this.#options.maxWaitMs ?? Math.max(DEFAULT_MAX_WAIT_MS, debounce);
    const delay = Math.min(debounce, Math.max(0, this.#firstChangeAt + maxWait - now));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fire(), delay);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#firstChangeAt = undefined;
    this.#requestLoad();
  }

  #requestLoad(): void {
    if (this.#closed) return;
    this.#pending = true;
    // One load at a time: a load in progress picks the change up when it finishes.
    if (!this.#loop) this.#track(this.#drain());
  }

  #track(loop: Promise<void>): void {
    this.#loop = loop.finally(() => {
      this.#loop = undefined;
    });
  }

  /** Loads until no change is left unread, so the newest content always wins. */
  async #drain(): Promise<void> {
    while (this.#pending && !this.#closed) {
      this.#pending = false;
      try {
        await this.#reloadOnce();
      } catch (error) {
        // A fault after the load (a logger or diff bug) must not stop later reloads; the set in force is untouched.
        this.#options.logger.error({ event: 'rules.reload_error', dir: this.dir, error: String(error) }, 'reload failed unexpectedly');
      }
    }
  }

  async #reloadOnce(): Promise<void> {
    const startedAt = this.#clock.now();
    const read = await this.#overlap.read();
    this.#loads++;
    if (this.#closed) return;
    const previous = this.current();
    // The max-wait load of a busy folder lands here too: a save it overlapped is not swapped in either.
    if (this.#overlap.deferIfOverlapped(read, previous)) return;
    const { result } = read;
    if (!result.ok) return this.#refuse(result.problems, previous);
    const next = this.#grace.hold(previous, result.ruleSet);
    if (next.version === previous.version) {
      this.#options.logger.info({ event: 'rules.reload_unchanged', version: previous.version }, `rule set ${previous.version} unchanged`);
      this.#options.bus?.emit('rules.reload_unchanged', { version: previous.version });
      return;
    }
    this.#current = next;
    const ms = this.#clock.now() - startedAt;
    const diff = diffRuleSets(previous, next);
    const warnings = result.problems.map(formatProblem);
    this.#options.logger.info(
      { event: 'rules.reloaded', version: next.version, previousVersion: previous.version, ms, diff, warnings },
      `rule set ${previous.version} -> ${next.version} (${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed) in ${ms} ms`,
    );
    this.#options.bus?.emit('rules.reloaded', { version: next.version, previousVersion: previous.version, diff, ms });
  }

  #refuse(problems: readonly Problem[], kept: RuleSet): void {
    this.#options.logger.error(
      { event: 'rules.reload_failed', dir: this.dir, keptVersion: kept.version, problems: problems.map(formatProblem) },
      `edited rule set refused (${problems.length} problem${problems.length === 1 ? '' : 's'}); ${kept.version} stays in force`,
    );
    this.#options.bus?.emit('rules.reload_failed', { problems, keptVersion: kept.version });
  }
}
