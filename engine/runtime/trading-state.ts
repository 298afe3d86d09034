// The trading state the kill criteria move every tick: pause, flatten or emergency, held until a cooldown passes or an operator resets it.
import type { Clock } from '../clock.ts';
import type { ControlFacts } from '../orders/order-facts.ts';
import { type Decision, KILL_LEVELS, type KillLevel } from '../types.ts';

/**
 * The stored runtime controls (operator settings and kill levels a rule tripped), as the session
 * reads and raises them. Stored, so a tripped level survives a restart until an operator resets it.
 */
export interface ControlsPort {
  /** The controls in force (cached briefly by the implementation). */
  facts(): ControlFacts;
  /** Raises the stored kill level; never lowers it (only an operator does that). */
  raiseKillLevel(level: KillLevel, actor: string, reason: string): void;
}

export interface LevelChange {
  readonly from: KillLevel;
  readonly to: KillLevel;
  /** The rule (or `fail-closed`) that moved it. */
  readonly cause: string;
  readonly message: string;
}

interface Hold {
  readonly level: KillLevel;
  readonly untilMs: number;
}

const RANK = (l: KillLevel) => KILL_LEVELS.indexOf(l);

export function higher(a: KillLevel, b: KillLevel): KillLevel {
  return RANK(b) > RANK(a) ? b : a;
}

function isKillAction(action: string): action is Exclude<KillLevel, 'none'> {
  return action === 'pause' || action === 'flatten' || action === 'emergency';
}

/**
 * Folds tick decisions into one kill level. A rule with a cooldown (stale-feed-pause) holds its
 * level until it has not fired for the cooldown, then trading resumes by itself; a rule without one
 * (daily-loss-limit, session-drawdown-limit) raises the stored level, which only an operator lowers.
 * A tick that could not be decided (a fact missing or bad) pauses entries until a later tick of the
 * same instrument decides cleanly: no new risk on facts we cannot read.
 */
export class TradingState {
  readonly #controls: ControlsPort;
  readonly #clock: Clock;
  readonly #cooldownOf: (ruleId: string) => number | undefined;
  readonly #holds = new Map<string, Hold>();
  readonly #undecided = new Set<string>();

  constructor(controls: ControlsPort, clock: Clock, cooldownOf: (ruleId: string) => number | undefined) {
    this.#controls = controls;
    this.#clock = clock;
    this.#cooldownOf = cooldownOf;
  }

  /** Takes in one tick decision; returns the changes of the level in force it caused. */
  observe(decision: Decision, instrument: string): LevelChange[] {
    const changes: LevelChange[] = [];
    const now = this.#clock.now();
    const note = (cause: string, message: string, act: () => void) => {
      const from = this.level();
      act();
      const to = this.level();
      if (to !== from) changes.push({ from, to, cause, message });
    };
    if (decision.errors.length > 0 && !this.#undecided.has(instrument)) {
      const message = decision.errors.map((e) => e.message).join('; ');
      note('fail-closed', message, () => this.#undecided.add(instrument));
    } else if (decision.errors.length === 0 && this.#undecided.has(instrument)) {
      note('fail-closed', 'the tick decides cleanly again', () => this.#undecided.delete(instrument));
    }
    for (const v of decision.violations) {
      if (!isKillAction(v.action)) continue;
      const cooldown = this.#cooldownOf(v.ruleId);
      const level = v.action;
      if (cooldown === undefined) {
        note(v.ruleId, v.message, () => {
          if (higher(this.#stored(), level) !== this.#stored()) this.#controls.raiseKillLevel(level, `rule:${v.ruleId}`, v.message);
        });
      } else {
        note(v.ruleId, v.message, () => this.#holds.set(v.ruleId, { level, untilMs: now + cooldown }));
      }
    }
    return changes;
  }

  /** The level in force now: the stored one, a held rule's, or pause while a tick is undecided. */
  level(): KillLevel {
    const now = this.#clock.now();
    let level = this.#stored();
    if (this.#undecided.size > 0) level = higher(level, 'pause');
    for (const [ruleId, hold] of this.#holds) {
      if (hold.untilMs <= now) this.#holds.delete(ruleId);
      else level = higher(level, hold.level);
    }
    return level;
  }

  /** Rules whose cooldown is still running, with when it ends (epoch ms). */
  holds(): ReadonlyMap<string, Hold> {
    this.level();
    return this.#holds;
  }

  /** The controls facts an order is judged on: the stored controls with the level in force. */
  controlsFacts(): ControlFacts {
    return { ...this.#controls.facts(), kill_level: this.level() };
  }

  #stored(): KillLevel {
    return this.#controls.facts().kill_level;
  }
}
