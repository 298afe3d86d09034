// Removal grace: rules that vanish from the rules folder stay in force for a grace period, then go only if still missing.
import type { EventBus } from '../bus.ts';
import { createRuleSet, type RuleSet } from './rule-set.ts';

/**
 * A save that renames the file away, then writes it anew (vim, some IDEs) leaves the folder without it
 * for a moment; a save stalled for longer than the debounce (a slow disk, a network share, an editor
 * waiting on a plugin) would load the folder without that file and silently drop its rules. Losing a
 * rule is the one edit that can only loosen the gate, so a removal waits this long to prove it is meant.
 */
export const DEFAULT_REMOVAL_GRACE_MS = 1_000;

/** Time as the grace reads it; tests drive both by hand. */
export interface GraceTimers {
  /** Monotonic milliseconds: a wall clock stepped back or forward must not end or stretch a hold. */
  now(): number;
  /** Calls `callback` once after `ms`; the returned function cancels the call. */
  after(ms: number, callback: () => void): () => void;
}

export const realGraceTimers: GraceTimers = {
  now: () => performance.now(),
  after: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** The logger method the grace needs; hot reload's logger fits. */
export interface GraceLogger {
  info(record: object, message?: string): void;
}

export interface RemovalGraceOptions {
  /** How long a missing rule stays in force (config `reload.removal_grace_ms`); 0 removes it at once. */
  readonly graceMs?: number;
  /** Called once the first hold ends, to load the folder again: it may have been restored, or the removal stands. */
  readonly onExpiry: () => void;
  readonly logger: GraceLogger;
  readonly bus?: EventBus;
  readonly timers?: GraceTimers;
}

/** Tracks which rules in force are missing from the folder and since when, and keeps them until their grace ends. */
export class RemovalGrace {
  readonly #options: RemovalGraceOptions;
  readonly #graceMs: number;
  readonly #timers: GraceTimers;
  /** Rules missing from the folder but still in force, by id, with when they were first missed. */
  readonly #missingSince = new Map<string, number>();
  #cancelExpiry: (() => void) | undefined;

  constructor(options: RemovalGraceOptions) {
    this.#options = options;
    this.#graceMs = options.graceMs ?? DEFAULT_REMOVAL_GRACE_MS;
    this.#timers = options.timers ?? realGraceTimers;
  }

  /** Ids of the rules missing from the folder that stay in force until their grace ends. */
  held(): string[] {
    return [...this.#missingSince.keys()];
  }

  /**
   * The set to put in force for a loaded one: the loaded set itself, unless it lacks rules that are in
   * force. Those stay (beside every addition and change, which apply at once) until they have been
   * missing for the grace period; a load after it ends removes them only if they are still missing.
   */
  hold(previous: RuleSet, loaded: RuleSet): RuleSet {
    const grace = this.#graceMs;
    const now = this.#timers.now();
    const missing = previous.rules.filter((r) => !loaded.byId.has(r.id));
    for (const id of this.#missingSince.keys()) if (!missing.some((r) => r.id === id)) this.#missingSince.delete(id);
    for (const r of missing) if (!this.#missingSince.has(r.id)) this.#missingSince.set(r.id, now);
    const held = missing.filter((r) => now - this.#missingSince.get(r.id)! < grace);
    for (const r of missing) if (!held.includes(r)) this.#missingSince.delete(r.id);
    this.cancel();
    if (held.length === 0) return loaded;
    const firstEnd = Math.min(...held.map((r) => this.#missingSince.get(r.id)! + grace));
    this.#cancelExpiry = this.#timers.after(Math.max(0, firstEnd - now), () => {
      this.#cancelExpiry = undefined;
      this.#options.onExpiry();
    });
    const kept = createRuleSet([...loaded.rules, ...held], [...new Set([...loaded.files, ...previous.files])]);
    this.#report(held.map((r) => r.id), loaded, kept);
    return kept;
  }

  /** Drops the pending look-again (on close); what is held stays held. */
  cancel(): void {
    this.#cancelExpiry?.();
    this.#cancelExpiry = undefined;
  }

  #report(ids: readonly string[], loaded: RuleSet, kept: RuleSet): void {
    const grace = this.#graceMs;
    this.#options.logger.info(
      { event: 'rules.removal_held', held: ids, graceMs: grace, loadedVersion: loaded.version, version: kept.version },
      `${ids.length} rule${ids.length === 1 ? '' : 's'} missing from the folder (${ids.join(', ')}) stay in force for up to ${grace} ms; removed only if still missing then`,
    );
    this.#options.bus?.emit('rules.removal_held', { held: ids, graceMs: grace, loadedVersion: loaded.version, version: kept.version });
  }
}
