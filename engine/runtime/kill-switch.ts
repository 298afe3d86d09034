// The kill switch: merges every trigger (stored controls, kill file, signals, kill rules) into one level, persists raises, and acts on them.
import type { EventBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../observe/logger.ts';
import { KILL_LEVELS, type KillLevel } from '../types.ts';
import type { KillFileReading } from './kill-file.ts';
import type { Hold, HoldRecord, KillStore, KillTrigger, RaisedLevel, StoredKill } from './kill-store.ts';

/** The process exit code of an emergency stop; the systemd unit does not restart on it (RestartPreventExitStatus=99). */
export const EMERGENCY_EXIT_CODE = 99;
/** Stored controls and the kill file are read this often: far under the 2 s in which a trigger must be in force. */
export const KILL_POLL_MS = 250;

export type { Hold, HoldRecord, HoldStore, KillStore, KillTrigger, RaisedLevel, StoredKill } from './kill-store.ts';

/** What the runner does for the kill switch. Called one at a time, in order, never concurrently. */
export interface KillActions {
  /** Cancel every resting order. */
  cancelAll(): Promise<unknown>;
  /** Close every position (exit orders through the gate's exit path). */
  flattenAll(): Promise<unknown>;
  /** Wind down (persist, summary) and end the process with this code. */
  stop(exitCode: number): Promise<unknown> | unknown;
}

/** Runs `fn` every `ms` until the returned function is called. */
export type Every = (ms: number, fn: () => void) => () => void;

export const realEvery: Every = (ms, fn) => {
  const timer = setInterval(fn, ms);
  // The switch never keeps a finished process alive by itself.
  timer.unref();
  return () => clearInterval(timer);
};

export interface KillSwitchOptions {
  readonly store: KillStore;
  readonly actions: KillActions;
  /** Times rule cooldowns; the runner's session clock. */
  readonly clock: Clock;
  /** Reads the kill file (engine/runtime/kill-file.ts readKillFile bound to its path); omitted: no kill file. */
  readonly killFile?: () => KillFileReading | null;
  readonly pollMs?: number;
  readonly every?: Every;
  readonly bus?: EventBus;
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}


const rank = (l: KillLevel): number => KILL_LEVELS.indexOf(l);

export function higherLevel(a: KillLevel, b: KillLevel): KillLevel {
  return rank(b) > rank(a) ? b : a;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The most severe level wins. Every trigger but a rule with a cooldown is persisted in the stored
 * controls, so it survives a restart and only an operator lowers it (`engine kill --level none` or the
 * API). A rule with a cooldown holds its level until the rule has not fired for the cooldown; the hold
 * is kept in the store's locks, so a restart does not end it early, and an operator's lowering ends it. A raise to flatten or emergency cancels every resting order and closes every
 * position; emergency then stops the process with exit code 99.
 */
export class KillSwitch {
  readonly #o: KillSwitchOptions;
  readonly #holds = new Map<string, Hold>();
  readonly #seenFiles = new Set<string>();
  #stored: StoredKill = { level: 'none', updatedBy: null, updatedAtMs: null };
  #stamp: string | undefined;
  /** Raised here but not (yet) confirmed by the store: a failed write never loses a raise. */
  #floor: KillLevel = 'none';
  #current: KillLevel = 'none';
  #chain: Promise<void> = Promise.resolve();
  #cancel: (() => void) | undefined;
  #refusedNone = false;
  /** The stored level was lowered by its writer since the last settle (an operator's resume). */
  #storedLowered = false;

  constructor(options: KillSwitchOptions) {
    this.#o = options;
  }

  /** Reads every source once (a level stored or a cooldown held before a restart acts now), then polls. */
  start(): void {
    this.#loadHolds();
    this.poll();
    this.#cancel ??= (this.#o.every ?? realEvery)(this.#o.pollMs ?? KILL_POLL_MS, () => this.poll());
  }

  close(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  /** The level in force now. */
  level(): KillLevel {
    const now = this.#o.clock.now();
    let level = higherLevel(this.#stored.level, this.#floor);
    for (const [ruleId, hold] of this.#holds) {
      if (hold.untilMs <= now) this.#holds.delete(ruleId);
      else level = higherLevel(level, hold.level);
    }
    return level;
  }

  /** Resolves once every action started so far has finished. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** One look at the kill file and the stored level; the timer calls it every pollMs. */
  poll(): void {
    this.#readKillFile();
    this.#refreshStored();
    this.#settle(null);
  }

  /** A signal, a kill file or a rule without a cooldown: persisted, and in force at once. */
  raise(level: RaisedLevel, trigger: KillTrigger): void {
    const before = this.level();
    this.#floor = higherLevel(this.#floor, level);
    try {
      this.#o.store.write(level, before, trigger);
    } catch (error) {
      this.#o.logger?.error({ event: 'kill.persist_failed', level, source: trigger.source, message: message(error) }, 'kill level could not be stored; it stays in force in this process');
    }
    this.#refreshStored();
    this.#settle(trigger);
  }

  /** A kill rule fired at a tick. With a cooldown it holds the level until it has not fired for that long. */
  ruleFired(ruleId: string, level: RaisedLevel, reason: string, cooldownMs?: number): void {
    const trigger: KillTrigger = { source: 'rule', actor: `rule:${ruleId}`, reason };
    if (cooldownMs === undefined) {
      this.raise(level, trigger);
      return;
    }
    const untilMs = this.#o.clock.now() + cooldownMs;
    const held = this.#holds.get(ruleId);
    const hold: Hold = { level: higherLevel(held?.level ?? 'none', level) as RaisedLevel, untilMs: Math.max(held?.untilMs ?? 0, untilMs), reason };
    this.#holds.set(ruleId, hold);
    try {
      this.#o.store.holds?.save({ ruleId, ...hold });
    } catch (error) {
      this.#o.logger?.error({ event: 'kill.persist_failed', level: hold.level, source: 'rule', rule: ruleId, message: message(error) }, 'cooldown hold could not be stored; it holds in this process only');
    }
    this.#settle(trigger);
  }

  /** Holds kept from before a restart that have not run out by this switch's clock. */
  #loadHolds(): void {
    let kept: readonly HoldRecord[];
    try {
      kept = this.#o.store.holds?.load() ?? [];
    } catch (error) {
      // Fail closed: a cooldown that may still run cannot be read, so pause until an operator looks.
      this.#o.logger?.error({ event: 'kill.holds_unreadable', message: message(error) }, 'stored cooldown holds could not be read; pausing');
      this.#floor = higherLevel(this.#floor, 'pause');
      return;
    }
    const now = this.#o.clock.now();
    for (const { ruleId, level, untilMs, reason } of kept) {
      if (untilMs <= now) continue;
      const held = this.#holds.get(ruleId);
      this.#holds.set(ruleId, { level: higherLevel(held?.level ?? 'none', level) as RaisedLevel, untilMs: Math.max(held?.untilMs ?? 0, untilMs), reason });
    }
  }

  /** Rules whose cooldown hold is running, with when it ends. */
  holds(): ReadonlyMap<string, Hold> {
    this.level();
    return this.#holds;
  }

  #readKillFile(): void {
    let reading: KillFileReading | null;
    try {
      reading = this.#o.killFile?.() ?? null;
    } catch (error) {
      reading = { level: 'pause', reason: `kill file check failed: ${message(error)}`, identity: 'check-failed' };
    }
    if (reading === null || this.#seenFiles.has(reading.identity)) return;
    this.#seenFiles.add(reading.identity);
    if (reading.level === 'none') {
      if (!this.#refusedNone) this.#o.logger?.warn({ event: 'kill.file_ignored', reason: reading.reason }, 'a kill file cannot lower the level; use engine kill --level none');
      this.#refusedNone = true;
      return;
    }
    if (this.#o.store.fileApplied(reading.identity)) return;
    this.raise(reading.level, { source: 'file', actor: 'kill-file', reason: reading.reason, fileIdentity: reading.identity });
  }

  #refreshStored(): void {
    const stored = this.#o.store.read();
    const stamp = `${stored.level}|${stored.updatedBy}|${stored.updatedAtMs}`;
    if (this.#stamp !== undefined && stamp !== this.#stamp) {
      // Someone wrote the stored level since: the store is the authority again.
      this.#floor = 'none';
      // An operator lowered it: cooldown holds go too (a rule still firing holds again at its next tick).
      if (rank(stored.level) < rank(this.#stored.level)) {
        this.#holds.clear();
        this.#clearStoredHolds();
        this.#storedLowered = true;
      }
    }
    this.#stamp = stamp;
    this.#stored = stored;
  }

  #clearStoredHolds(): void {
    try {
      this.#o.store.holds?.clear();
    } catch (error) {
      this.#o.logger?.error({ event: 'kill.persist_failed', level: 'none', source: 'operator', message: message(error) }, 'stored cooldown holds could not be cleared; a restart would hold them again');
    }
  }

  /** A change seen by a poll is attributed from the stored level's writer (`http:` API, `cli:`, `kill-file`, `signal:`, `rule:`). */
  #observed(raised: boolean, to: KillLevel): { source: string; actor: string; reason: string } {
    const by = this.#stored.updatedBy;
    if (raised || this.#storedLowered) {
      const prefix = by?.split(':')[0] ?? '';
      const source = ({ http: 'api', cli: 'cli', 'kill-file': 'file', signal: 'signal', rule: 'rule', drill: 'drill' } as Record<string, string>)[prefix] ?? 'api';
      return { source: raised ? source : 'operator', actor: by ?? 'unknown', reason: `stored kill level set to ${this.#stored.level} by ${by ?? 'unknown'}` };
    }
    return { source: 'cooldown', actor: 'engine', reason: `a kill rule's cooldown lapsed; level ${to}` };
  }

  #settle(trigger: KillTrigger | null): void {
    const to = this.level();
    const from = this.#current;
    if (to === from) {
      this.#storedLowered = false;
      return;
    }
    this.#current = to;
    const raised = rank(to) > rank(from);
    const { source, actor, reason } = trigger !== null && raised ? trigger : this.#observed(raised, to);
    this.#storedLowered = false;
    const log = { event: 'kill.level_changed', from, to, source, actor, reason };
    if (raised) this.#o.logger?.error(log, `kill level ${from} -> ${to} (${source}: ${actor})`);
    else this.#o.logger?.warn(log, `kill level ${from} -> ${to} (${actor})`);
    this.#o.bus?.emit('kill.level_changed', { from, to, source, actor, reason });
    if (!raised) return;
    this.#chain = this.#chain
      .then(() => this.#act(to))
      .catch((error: unknown) => this.#o.logger?.error({ event: 'kill.action_failed', action: 'stop', level: to, message: message(error) }, 'kill switch stop failed'));
  }

  /** Flatten and emergency act at once, not at the next market event: resting orders and positions go now. */
  async #act(to: KillLevel): Promise<void> {
    if (to !== 'flatten' && to !== 'emergency') return;
    for (const [name, step] of [['cancelAll', () => this.#o.actions.cancelAll()], ['flattenAll', () => this.#o.actions.flattenAll()]] as const) {
      try {
        await step();
      } catch (error) {
        this.#o.logger?.error({ event: 'kill.action_failed', action: name, level: to, message: message(error) }, `kill switch ${name} failed`);
      }
    }
    if (to !== 'emergency') return;
    this.#o.logger?.error({ event: 'kill.emergency_stop', exit_code: EMERGENCY_EXIT_CODE }, 'emergency: orders canceled, positions closed, stopping');
    await this.#o.actions.stop(EMERGENCY_EXIT_CODE);
  }
}
