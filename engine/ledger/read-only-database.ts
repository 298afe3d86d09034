// Opens an existing ledger for a command that only reads: no pragma, migration or mode record, the same file guards, and no -wal/-shm left behind.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { TradegateError } from '../errors.ts';
import type { Mode } from '../types.ts';
import type { LedgerDatabase, LedgerDatabaseOptions } from './database.ts';
import { guardPath, recordedMode } from './file-guard.ts';
import { MIGRATIONS } from './migrations.ts';
import { missingSidecars, removeLeftovers } from './sidecars.ts';

/**
 * The oldest schema a reader is given. A read-only open never migrates, so an older file is read as
 * it is, and that is safe only while every table and column the engine's readers use is already
 * there with today's meaning. Migration 2 added evidence and kill_events, which `engine validate
 * --live` and `engine status` read; migration 3 only dropped an index that no query uses, so a
 * version-2 file reads exactly like a version-3 one. A migration that adds or changes something a
 * reader reads raises this to its own version.
 */
export const OLDEST_READABLE_SCHEMA = 2;

interface Contents {
  /** 0: no schema at all. */
  readonly version: number;
  readonly mode: Mode | undefined;
}

/** The schema version and the recorded mode, from one snapshot, without creating anything (migrations.ts `schemaVersion` would). */
function readContents(db: Database.Database): Contents {
  return db.transaction((): Contents => {
    const hasVersions = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
    const row = hasVersions ? db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_version').get() : undefined;
    return { version: row?.v ?? 0, mode: recordedMode(db) };
  }).deferred();
}

function checkSchema(path: string, version: number, latest: number): void {
  if (version === 0) {
    throw new TradegateError('LEDGER_NOT_FOUND', `${path} holds no ledger: it has no schema (no engine has opened it for writing)`, { path });
  }
  if (version > latest) {
    throw new TradegateError('LEDGER_SCHEMA_TOO_NEW', `the database is at schema version ${version}; this engine knows up to ${latest}`, {
      current: version,
      latest,
    });
  }
  if (version < OLDEST_READABLE_SCHEMA) {
    throw new TradegateError(
      'LEDGER_SCHEMA_TOO_OLD',
      `${path} is at schema version ${version}; commands that only read need version ${OLDEST_READABLE_SCHEMA} or later and never migrate. ` +
        'The next session of this engine on it (engine run) brings it up to date.',
      { path, current: version, oldestReadable: OLDEST_READABLE_SCHEMA },
    );
  }
}

/** Opens an existing ledger read-only; refuses what a read-write open refuses, a file without a ledger, and a schema it cannot read. */
export function openReadOnly(path: string, opts: LedgerDatabaseOptions): LedgerDatabase {
  if (!existsSync(path)) throw new TradegateError('LEDGER_NOT_FOUND', `there is no ${opts.mode} ledger at ${path}`, { path, mode: opts.mode });
  let db: Database.Database;
  let created: string[];
  try {
    created = missingSidecars(path);
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: opts.busyTimeoutMs ?? 5000 });
  } catch (cause) {
    throw new TradegateError('LEDGER_OPEN_FAILED', `cannot open ${path} read-only: ${(cause as Error).message}`, { path });
  }
  const close = () => {
    db.close();
    removeLeftovers(path, created);
  };
  try {
    let found: Contents;
    try {
      found = readContents(db);
    } catch (cause) {
      throw new TradegateError('LEDGER_OPEN_FAILED', `${path} is not a readable ledger: ${(cause as Error).message}`, { path });
    }
    const expected = guardPath(path, opts, found.mode);
    checkSchema(path, found.version, (opts.migrations ?? MIGRATIONS).length);
    // No recorded mode (a crash between migrating and recording it): a read-write open would record `expected`.
    const fileMode = found.mode ?? expected;
    if (fileMode !== expected) {
      throw new TradegateError('LEDGER_MODE_MISMATCH', `${path} belongs to mode ${fileMode}, not ${expected}`, { path });
    }
    return { db, path, mode: opts.mode, fileMode, synchronous: opts.synchronous ?? 'FULL', readOnly: true, close };
  } catch (error) {
    close();
    throw error;
  }
}
