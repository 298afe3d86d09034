// What the kill switch keeps outside itself: the stored level and who set it, the trail of triggers, and kill-rule cooldown holds.
import type { KillSource } from '../ledger/kill-event-repository.ts';
import type { KillLevel } from '../types.ts';

export type RaisedLevel = Exclude<KillLevel, 'none'>;

export interface KillTrigger {
  readonly source: KillSource;
  /** Who: `cli:alice@host`, `kill-file`, `signal:SIGUSR2`, `rule:daily-loss-limit`. */
  readonly actor: string;
  readonly reason: string;
  readonly fileIdentity?: string;
}

/** The stored kill level (runtime controls) and who last wrote it. */
export interface StoredKill {
  readonly level: KillLevel;
  readonly updatedBy: string | null;
  readonly updatedAtMs: number | null;
}

/** A kill rule's cooldown hold as kept across restarts. */
export interface HoldRecord extends Hold {
  readonly ruleId: string;
}

/** Where cooldown holds persist, so a restart does not end a cooldown early (kill-ports.ts: the ledger's locks). */
export interface HoldStore {
  /** Every hold kept, expired or not: the switch decides on its own clock which still hold. */
  load(): readonly HoldRecord[];
  save(hold: HoldRecord): void;
  clear(): void;
}

/** Where levels persist (engine/runtime/kill-ports.ts: the ledger's runtime controls and kill_events). */
export interface KillStore {
  /** Omitted: cooldown holds live in this process only. */
  readonly holds?: HoldStore;
  /** Never throws: a store that cannot be read answers at least pause (fail closed). */
  read(): StoredKill;
  /** Records the trigger; stores `level` when it is above the stored one (a trigger never lowers). */
  write(level: RaisedLevel, previous: KillLevel, trigger: KillTrigger): void;
  /** Whether this version of the kill file was already applied (before a restart, say). */
  fileApplied(identity: string): boolean;
}

/** A kill rule's level held until the rule has not fired for its cooldown. */
export interface Hold {
  readonly level: RaisedLevel;
  readonly untilMs: number;
  readonly reason: string;
}
