// Runtime controls (kill level, trading mode, limits, scope) as stored key/values, each change logged with who made it.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import { atomically } from './atomic.ts';

export interface ControlValue {
  readonly key: string;
  readonly value: unknown;
  readonly updatedBy: string;
  readonly updatedAtMs: number;
}

export interface ControlChange {
  readonly id: number;
  readonly key: string;
  readonly oldValue: unknown;
  readonly newValue: unknown;
  readonly changedBy: string;
  readonly tsMs: number;
}

interface Row {
  key: string;
  value: string;
  updatedBy: string;
  updatedAtMs: number;
}

interface ChangeRow {
  id: number;
  key: string;
  oldValue: string | null;
  newValue: string;
  changedBy: string;
  tsMs: number;
}

export class ControlsRepository {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #get;
  readonly #all;
  readonly #upsert;
  readonly #change;
  readonly #history;

  constructor(db: Database.Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    const cols = 'key, value_json AS value, updated_by AS updatedBy, updated_at_ms AS updatedAtMs';
    this.#get = db.prepare<[string], Row>(`SELECT ${cols} FROM runtime_controls WHERE key = ?`);
    this.#all = db.prepare<[], Row>(`SELECT ${cols} FROM runtime_controls ORDER BY key`);
    this.#upsert = db.prepare(`INSERT INTO runtime_controls (key, value_json, updated_by, updated_at_ms) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_by = excluded.updated_by,
      updated_at_ms = excluded.updated_at_ms`);
    this.#change = db.prepare(`INSERT INTO control_changes (key, old_value_json, new_value_json, changed_by, ts_ms)
      VALUES (?, ?, ?, ?, ?)`);
    this.#history = db.prepare<[string], ChangeRow>(`SELECT id, key, old_value_json AS oldValue, new_value_json AS newValue,
      changed_by AS changedBy, ts_ms AS tsMs FROM control_changes WHERE key = ? ORDER BY id`);
  }

  get(key: string): ControlValue | undefined {
    const row = this.#get.get(key);
    return row ? { ...row, value: JSON.parse(row.value) } : undefined;
  }

  all(): ControlValue[] {
    return this.#all.all().map((row) => ({ ...row, value: JSON.parse(row.value) }));
  }

  /** Sets a control and logs the change (old and new value, who, when) in one transaction. */
  set(key: string, value: unknown, updatedBy: string): ControlValue {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TradegateError('CONFIG_INVALID', `control ${key} needs a JSON value`, { key });
    const now = this.#clock.now();
    atomically(this.#db, () => {
      const old = this.#get.get(key);
      this.#upsert.run(key, json, updatedBy, now);
      this.#change.run(key, old?.value ?? null, json, updatedBy, now);
    });
    return this.get(key) as ControlValue;
  }

  history(key: string): ControlChange[] {
    return this.#history.all(key).map((r) => ({
      ...r,
      oldValue: r.oldValue === null ? undefined : JSON.parse(r.oldValue),
      newValue: JSON.parse(r.newValue),
    }));
  }
}
