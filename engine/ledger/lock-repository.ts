// Time-boxed locks (cooldowns, lockouts): a lock holds until its time passes on the injected clock.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';

export interface Lock {
  readonly scope: string;
  readonly untilMs: number;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAtMs: number;
}

const COLUMNS = 'scope, until_ms AS untilMs, reason, created_by AS createdBy, created_at_ms AS createdAtMs';

export class LockRepository {
  readonly #clock: Clock;
  readonly #upsert;
  readonly #get;
  readonly #any;
  readonly #active;
  readonly #release;
  readonly #purge;
  readonly #prefixed;
  readonly #releasePrefixed;

  constructor(db: Database.Database, clock: Clock) {
    this.#clock = clock;
    // Re-locking a scope never shortens a lock already in force: the later end wins.
    this.#upsert = db.prepare(`INSERT INTO locks (scope, until_ms, reason, created_by, created_at_ms)
      VALUES (@scope, @untilMs, @reason, @createdBy, @now)
      ON CONFLICT (scope) DO UPDATE SET reason = @reason, created_by = @createdBy, created_at_ms = @now,
      until_ms = CASE WHEN locks.until_ms > @now THEN MAX(locks.until_ms, @untilMs) ELSE @untilMs END`);
    this.#get = db.prepare<[string, number], Lock>(`SELECT ${COLUMNS} FROM locks WHERE scope = ? AND until_ms > ?`);
    this.#any = db.prepare<[string], Lock>(`SELECT ${COLUMNS} FROM locks WHERE scope = ?`);
    this.#active = db.prepare<[number], Lock>(`SELECT ${COLUMNS} FROM locks WHERE until_ms > ? ORDER BY scope`);
    this.#release = db.prepare('DELETE FROM locks WHERE scope = ?');
    this.#purge = db.prepare('DELETE FROM locks WHERE until_ms <= ?');
    this.#prefixed = db.prepare<[string, string], Lock>(`SELECT ${COLUMNS} FROM locks WHERE substr(scope, 1, length(?)) = ? ORDER BY scope`);
    this.#releasePrefixed = db.prepare('DELETE FROM locks WHERE substr(scope, 1, length(?)) = ?');
  }

  /** Locks `scope` until `untilMs` (epoch ms); returns the lock in force afterwards. */
  lock(scope: string, untilMs: number, reason: string, createdBy: string): Lock {
    if (!Number.isSafeInteger(untilMs)) {
      throw new TradegateError('LEDGER_INVALID_AMOUNT', `lock end ${untilMs} must be an integer epoch ms`, { scope });
    }
    const now = this.#clock.now();
    this.#upsert.run({ scope, untilMs, reason, createdBy, now });
    return this.#any.get(scope) as Lock;
  }

  /** Locks `scope` for `durationMs` from now. */
  lockFor(scope: string, durationMs: number, reason: string, createdBy: string): Lock {
    return this.lock(scope, this.#clock.now() + durationMs, reason, createdBy);
  }

  /** The lock in force on `scope`, or undefined once it has expired. */
  active(scope: string): Lock | undefined {
    return this.#get.get(scope, this.#clock.now());
  }

  isLocked(scope: string): boolean {
    return this.active(scope) !== undefined;
  }

  allActive(): Lock[] {
    return this.#active.all(this.#clock.now());
  }

  release(scope: string): boolean {
    return this.#release.run(scope).changes === 1;
  }

  /**
   * Every lock whose scope starts with `prefix`, expired or not: for an owner that times its locks on
   * a clock of its own (the kill switch's session clock) and decides itself which still hold.
   */
  startingWith(prefix: string): Lock[] {
    return this.#prefixed.all(prefix, prefix);
  }

  /** Releases every lock whose scope starts with `prefix`; returns how many. */
  releaseStartingWith(prefix: string): number {
    return this.#releasePrefixed.run(prefix, prefix).changes;
  }

  /** Deletes expired locks; returns how many. Expired locks are already ignored, so this is housekeeping. */
  purgeExpired(): number {
    return this.#purge.run(this.#clock.now()).changes;
  }
}
