// Versioned schema migrations: an ordered list, applied once each, each in its own transaction.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import { SCHEMA_001_INITIAL } from './schema-001-initial.ts';
import { SCHEMA_002_EVIDENCE } from './schema-002-evidence.ts';
import { SCHEMA_003_DROP_UNUSED_INDEX } from './schema-003-drop-unused-index.ts';

export interface Migration {
  /** 1, 2, 3...: contiguous, never reused, never edited once shipped (add a new one instead). */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: SCHEMA_001_INITIAL },
  { version: 2, name: 'evidence', sql: SCHEMA_002_EVIDENCE },
  { version: 3, name: 'drop-unused-index', sql: SCHEMA_003_DROP_UNUSED_INDEX },
];

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly appliedAtMs: number;
}

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at_ms INTEGER NOT NULL
) STRICT`;

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new TradegateError('LEDGER_MIGRATION_FAILED', `migration "${m.name}" has version ${m.version}, expected ${i + 1}`, {
        version: m.version,
      });
    }
  });
}

export function schemaVersion(db: Database.Database): number {
  db.exec(VERSION_TABLE);
  const row = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_version').get();
  return row?.v ?? 0;
}

export function appliedMigrations(db: Database.Database): AppliedMigration[] {
  db.exec(VERSION_TABLE);
  return db
    .prepare<[], AppliedMigration>('SELECT version, name, applied_at_ms AS appliedAtMs FROM schema_version ORDER BY version')
    .all();
}

/**
 * Brings the database to the latest version and returns the versions it applied (none on a
 * re-open). A database newer than this engine is refused rather than half-understood.
 */
export function migrate(db: Database.Database, clock: Clock, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkList(migrations);
  const current = schemaVersion(db);
  const latest = migrations.length;
  if (current > latest) {
    throw new TradegateError(
      'LEDGER_SCHEMA_TOO_NEW',
      `the database is at schema version ${current}; this engine knows up to ${latest}`,
      { current, latest },
    );
  }
  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at_ms) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of migrations.slice(current)) {
    try {
      // Re-read inside the write lock: another process may have migrated since we looked.
      const ran = db.transaction(() => {
        if (schemaVersion(db) >= m.version) return false;
        db.exec(m.sql);
        record.run(m.version, m.name, clock.now());
        return true;
      }).immediate();
      if (!ran) continue;
    } catch (cause) {
      throw new TradegateError('LEDGER_MIGRATION_FAILED', `migration ${m.version} "${m.name}" failed: ${(cause as Error).message}`, {
        version: m.version,
      });
    }
    applied.push(m.version);
  }
  return applied;
}
