// The circuit breaker as stored state: once tripped it stays tripped, across restarts, until an operator resets it.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { atomically } from './atomic.ts';

export interface BreakerState {
  readonly name: string;
  readonly tripped: boolean;
  readonly reason: string | null;
  readonly trippedBy: string | null;
  readonly trippedAtMs: number | null;
  readonly resetBy: string | null;
  readonly resetAtMs: number | null;
}

/** A trip's outcome: the state as the trip left it, read in the trip's own transaction. */
export interface TripResult extends BreakerState {
  /** This trip opened the breaker; false when it was open already (the cause is then history only). */
  readonly opened: boolean;
}

export interface BreakerEvent {
  readonly id: number;
  readonly name: string;
  readonly action: 'trip' | 'reset';
  readonly reason: string | null;
  readonly actor: string;
  readonly tsMs: number;
}

interface Row {
  name: string;
  tripped: 0 | 1;
  reason: string | null;
  trippedBy: string | null;
  trippedAtMs: number | null;
  resetBy: string | null;
  resetAtMs: number | null;
}

export const MAIN_BREAKER = 'main';

export class BreakerRepository {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #get;
  readonly #trip;
  readonly #reset;
  readonly #event;
  readonly #history;

  constructor(db: Database.Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#get = db.prepare<[string], Row>(`SELECT name, tripped, reason, tripped_by AS trippedBy, tripped_at_ms AS trippedAtMs,
      reset_by AS resetBy, reset_at_ms AS resetAtMs FROM breaker_state WHERE name = ?`);
    // The first trip's reason and time are kept while tripped: later trips are history, not the cause.
    this.#trip = db.prepare(`INSERT INTO breaker_state (name, tripped, reason, tripped_by, tripped_at_ms)
      VALUES (@name, 1, @reason, @actor, @now)
      ON CONFLICT (name) DO UPDATE SET reason = @reason, tripped_by = @actor, tripped_at_ms = @now, tripped = 1
      WHERE breaker_state.tripped = 0`);
    this.#reset = db.prepare('UPDATE breaker_state SET tripped = 0, reset_by = ?, reset_at_ms = ? WHERE name = ? AND tripped = 1');
    this.#event = db.prepare('INSERT INTO breaker_events (name, action, reason, actor, ts_ms) VALUES (?, ?, ?, ?, ?)');
    this.#history = db.prepare<[string], BreakerEvent>(
      'SELECT id, name, action, reason, actor, ts_ms AS tsMs FROM breaker_events WHERE name = ? ORDER BY id',
    );
  }

  state(name = MAIN_BREAKER): BreakerState {
    const row = this.#get.get(name);
    if (!row) return { name, tripped: false, reason: null, trippedBy: null, trippedAtMs: null, resetBy: null, resetAtMs: null };
    return { ...row, tripped: row.tripped === 1 };
  }

  isTripped(name = MAIN_BREAKER): boolean {
    return this.state(name).tripped;
  }

  /**
   * Trips the breaker (or logs another cause while it is already tripped) and returns the state. Whether
   * this trip opened it is decided by the write itself: a caller that read isTripped() first may have
   * seen a state another process (`engine breaker reset`) changed before the write.
   */
  trip(reason: string, actor: string, name = MAIN_BREAKER): TripResult {
    const now = this.#clock.now();
    return atomically(this.#db, () => {
      const opened = this.#trip.run({ name, reason, actor, now }).changes === 1;
      this.#event.run(name, 'trip', reason, actor, now);
      return { ...this.state(name), opened };
    });
  }

  /** An operator's reset: records who and when. Returns false when the breaker was not tripped. */
  reset(actor: string, name = MAIN_BREAKER): boolean {
    const now = this.#clock.now();
    return atomically(this.#db, () => {
      const changed = this.#reset.run(actor, now, name).changes === 1;
      if (changed) this.#event.run(name, 'reset', null, actor, now);
      return changed;
    });
  }

  history(name = MAIN_BREAKER): BreakerEvent[] {
    return this.#history.all(name);
  }
}
