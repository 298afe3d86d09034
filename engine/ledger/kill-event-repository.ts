// The kill-switch trail: every level change with its source, who made it and why, and which kill files were already applied.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { KillLevel } from '../types.ts';

export const KILL_SOURCES = ['api', 'cli', 'file', 'signal', 'rule', 'drill'] as const;
export type KillSource = (typeof KILL_SOURCES)[number];

export interface KillEventInput {
  readonly level: KillLevel;
  readonly previousLevel: KillLevel | null;
  readonly source: KillSource;
  readonly actor: string;
  readonly reason?: string | null;
  /** For a kill file: which version of the file (inode, size, mtime, content) raised the level, so it is applied once. */
  readonly fileIdentity?: string | null;
}

export interface KillEvent extends Required<KillEventInput> {
  readonly id: number;
  readonly tsMs: number;
}

const COLUMNS = `id, level, previous_level AS previousLevel, source, actor, reason, file_identity AS fileIdentity, ts_ms AS tsMs`;

export class KillEventRepository {
  readonly #clock: Clock;
  readonly #insert;
  readonly #latest;
  readonly #byFile;
  readonly #byId;

  constructor(db: Database.Database, clock: Clock) {
    this.#clock = clock;
    this.#insert = db.prepare(`INSERT INTO kill_events (level, previous_level, source, actor, reason, file_identity, ts_ms)
      VALUES (@level, @previousLevel, @source, @actor, @reason, @fileIdentity, @now)`);
    this.#latest = db.prepare<[number], KillEvent>(`SELECT ${COLUMNS} FROM kill_events ORDER BY id DESC LIMIT ?`);
    this.#byFile = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM kill_events WHERE file_identity = ?');
    this.#byId = db.prepare<[number], KillEvent>(`SELECT ${COLUMNS} FROM kill_events WHERE id = ?`);
  }

  record(e: KillEventInput): KillEvent {
    const id = Number(
      this.#insert.run({ ...e, reason: e.reason ?? null, fileIdentity: e.fileIdentity ?? null, now: this.#clock.now() }).lastInsertRowid,
    );
    return this.#byId.get(id) as KillEvent;
  }

  /** The newest events first. */
  latest(limit = 10): KillEvent[] {
    return this.#latest.all(limit);
  }

  /** Whether this version of a kill file has already raised the level in this ledger. */
  fileApplied(identity: string): boolean {
    return (this.#byFile.get(identity)?.n ?? 0) > 0;
  }
}
