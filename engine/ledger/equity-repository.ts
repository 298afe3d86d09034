// Equity snapshots: the day-start baseline (one per UTC day), session starts and periodic marks.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Mode } from '../types.ts';
import type { Micros } from './money.ts';

export type SnapshotKind = 'day_start' | 'session_start' | 'mark';

export interface EquitySnapshot {
  readonly id: number;
  readonly kind: SnapshotKind;
  readonly utcDay: string;
  readonly equityMicros: Micros;
  readonly cashMicros: Micros;
  readonly positionsValueMicros: Micros;
  readonly runId: string | null;
  readonly tsMs: number;
}

export interface SnapshotInput {
  readonly kind: SnapshotKind;
  readonly utcDay: string;
  readonly equityMicros: Micros;
  readonly cashMicros: Micros;
  readonly positionsValueMicros: Micros;
  readonly runId?: string | null;
}

const COLUMNS = `id, kind, utc_day AS utcDay, equity_micros AS equityMicros, cash_micros AS cashMicros,
  positions_value_micros AS positionsValueMicros, run_id AS runId, ts_ms AS tsMs`;

export class EquityRepository {
  readonly #clock: Clock;
  readonly #mode: Mode;
  readonly #insert;
  readonly #dayStart;
  readonly #latest;
  readonly #between;

  constructor(db: Database.Database, clock: Clock, mode: Mode) {
    this.#clock = clock;
    this.#mode = mode;
    // A second day_start for the same day is ignored: the first observation of the day is the baseline.
    this.#insert = db.prepare(`INSERT INTO equity_snapshots (mode, kind, utc_day, equity_micros, cash_micros,
      positions_value_micros, run_id, ts_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
    this.#dayStart = db.prepare<[string, string], EquitySnapshot>(
      `SELECT ${COLUMNS} FROM equity_snapshots WHERE mode = ? AND kind = 'day_start' AND utc_day = ?`,
    );
    this.#latest = db.prepare<[string], EquitySnapshot>(`SELECT ${COLUMNS} FROM equity_snapshots WHERE mode = ? ORDER BY id DESC LIMIT 1`);
    this.#between = db.prepare<[string, number, number], EquitySnapshot>(
      `SELECT ${COLUMNS} FROM equity_snapshots WHERE mode = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY id`,
    );
  }

  /** Returns true when a row was written (false for a day_start that already exists). */
  record(s: SnapshotInput): boolean {
    const info = this.#insert.run(this.#mode, s.kind, s.utcDay, s.equityMicros, s.cashMicros, s.positionsValueMicros,
      s.runId ?? null, this.#clock.now());
    return info.changes === 1;
  }

  dayStart(utcDay: string): EquitySnapshot | undefined {
    return this.#dayStart.get(this.#mode, utcDay);
  }

  latest(): EquitySnapshot | undefined {
    return this.#latest.get(this.#mode);
  }

  between(fromMs: number, toMs: number): EquitySnapshot[] {
    return this.#between.all(this.#mode, fromMs, toMs);
  }
}
