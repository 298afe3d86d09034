// Test harness for opening ledger databases: a temp data folder per test, every handle closed after it, refusals read as { code, kind }.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach } from 'vitest';
import { ManualClock } from '../../engine/clock.ts';
import { type LedgerDatabase, type LedgerDatabaseOptions, openLedgerDatabase } from '../../engine/ledger/database.ts';

export interface LedgerDatabaseEnv {
  readonly clock: ManualClock;
  /** This test's data folder (a new one for each test). */
  readonly dir: string;
  /** Opens through openLedgerDatabase with this env's clock; closed after the test. */
  open(opts: Omit<LedgerDatabaseOptions, 'clock'>): LedgerDatabase;
  /** The code and kind an open is refused with, or undefined when it opens. */
  refusal(opts: Omit<LedgerDatabaseOptions, 'clock'>): { code: string; kind: string } | undefined;
}

/** Registers the folder's and the handles' set-up and clean-up hooks in the calling test file. */
export function ledgerDatabaseEnv(prefix: string): LedgerDatabaseEnv {
  const clock = new ManualClock(1_700_000_000_000);
  const opened: LedgerDatabase[] = [];
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    for (const h of opened.splice(0)) if (h.db.open) h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (opts: Omit<LedgerDatabaseOptions, 'clock'>): LedgerDatabase => {
    const handle = openLedgerDatabase({ clock, ...opts });
    opened.push(handle);
    return handle;
  };
  return {
    clock,
    get dir() {
      return dir;
    },
    open,
    refusal(opts) {
      try {
        open(opts);
      } catch (err) {
        const e = err as { code: string; kind: string };
        return { code: e.code, kind: e.kind };
      }
      return undefined;
    },
  };
}

/** Fresh in-memory SQLite databases, each closed after the test that made it. */
export function memoryDatabases(): () => Database.Database {
  const open: Database.Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });
  return () => {
    const db = new Database(':memory:');
    open.push(db);
    return db;
  };
}

/** Changes a database file the way an operator or another tool would, behind the engine: one plain connection, the SQL, closed. */
export function editBehindEngine(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
