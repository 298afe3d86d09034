// Plugs the kill switch in: its store over the ledger (runtime controls + kill_events), and the controls port the session's trading state reads.
import type { Clock } from '../clock.ts';
import { KillEventRepository } from '../ledger/kill-event-repository.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { KillLevel } from '../types.ts';
import { type ControlsService, controlsFacts } from './controls.ts';
import type { HoldStore, KillStore, KillTrigger, RaisedLevel } from './kill-store.ts';
import type { KillSwitch } from './kill-switch.ts';
import type { ControlsPort } from './trading-state.ts';

const RANK = ['none', 'pause', 'flatten', 'emergency'] as const;
const above = (a: KillLevel, b: KillLevel): boolean => RANK.indexOf(a) > RANK.indexOf(b);

/**
 * The stored level is the runtime control `kill_level`, written through the controls service (validated,
 * logged, `controls.changed` on the bus) so the API, `engine status` and a restart all see it. Each trigger
 * also leaves a kill_events row with its reason, stamped by `clock` (wall time: operators read it). Reads skip the service's cache: the switch polls on wall
 * time, far more often than the session clock may move.
 */
export function ledgerKillStore(ledger: Pick<Ledger, 'db' | 'transaction' | 'locks'>, controls: ControlsService, clock: Clock): KillStore {
  const trail = new KillEventRepository(ledger.db, clock);
  return {
    holds: ledgerHoldStore(ledger),
    read() {
      controls.invalidate();
      const level = controls.current().killLevel;
      const who = controls.provenance().kill_level;
      return { level, updatedBy: who?.updatedBy ?? null, updatedAtMs: who?.updatedAtMs ?? null };
    },
    write(level: RaisedLevel, previous: KillLevel, trigger: KillTrigger) {
      ledger.transaction(() => {
        trail.record({ level, previousLevel: previous, source: trigger.source, actor: trigger.actor, reason: trigger.reason, fileIdentity: trigger.fileIdentity ?? null });
        const stored = controls.current().killLevel;
        if (!above(level, stored)) return;
        const changed = controls.change({ kill_level: level }, trigger.actor);
        if (!changed.ok) throw new Error(`kill level ${level} refused: ${changed.problems.join('; ')}`);
      });
    },
    fileApplied: (identity) => trail.fileApplied(identity),
  };
}

const HOLD_PREFIX = 'kill-hold:';
const RAISED: readonly RaisedLevel[] = ['pause', 'flatten', 'emergency'];

/**
 * Cooldown holds as locks, one per rule and level: scope `kill-hold:<rule id>:<level>`, until the
 * hold's end on the switch's clock. Rule ids are kebab-case, so the level is what follows the last colon.
 */
export function ledgerHoldStore(ledger: Pick<Ledger, 'locks'>): HoldStore {
  return {
    load() {
      return ledger.locks.startingWith(HOLD_PREFIX).flatMap((lock) => {
        const rest = lock.scope.slice(HOLD_PREFIX.length);
        const cut = rest.lastIndexOf(':');
        const level = RAISED.find((l) => l === rest.slice(cut + 1));
        return cut > 0 && level ? [{ ruleId: rest.slice(0, cut), level, untilMs: lock.untilMs, reason: lock.reason }] : [];
      });
    },
    save(hold) {
      ledger.locks.lock(`${HOLD_PREFIX}${hold.ruleId}:${hold.level}`, hold.untilMs, hold.reason, `rule:${hold.ruleId}`);
    },
    clear() {
      ledger.locks.releaseStartingWith(HOLD_PREFIX);
    },
  };
}

/**
 * The session's TradingState reads the level in force from here (every trigger merged) and raises
 * through the switch, so a kill rule without a cooldown is persisted and acted on like any trigger.
 */
export function killSwitchControlsPort(killSwitch: KillSwitch, controls: ControlsService): ControlsPort {
  return {
    facts: () => ({ ...controlsFacts(controls.current()), kill_level: killSwitch.level() }),
    raiseKillLevel(level, actor, reason) {
      if (level === 'none') return;
      const ruleId = actor.startsWith('rule:') ? actor.slice('rule:'.length) : actor;
      killSwitch.ruleFired(ruleId, level, reason);
    },
  };
}
