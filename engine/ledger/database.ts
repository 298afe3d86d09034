// Opens the ledger database for one mode: path resolution, the live-file guard, pragmas and migrations, or a read-only open.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import { MODES, type Mode } from '../types.ts';
import { guardPath, storedMode } from './file-guard.ts';
import { type Migration, MIGRATIONS, migrate } from './migrations.ts';
import { openReadOnly } from './read-only-database.ts';
import { guardRehearsal } from './rehearsal-mark.ts';

/**
 * FULL makes a commit survive power loss; NORMAL (in WAL mode) survives a process crash but may
 * lose the last commits on power loss, for about 10x the commit rate. Live defaults to FULL.
 */
export type Synchronous = 'FULL' | 'NORMAL';

export interface LedgerDatabaseOptions {
  readonly mode: Mode;
  /** Holds one file per mode: `<dataDir>/<mode>.sqlite`. */
  readonly dataDir?: string;
  /** An explicit file (a CLI flag); wins over dataDir. `:memory:` is allowed for backtests. */
  readonly path?: string;
  /** Lets a dry_run, paper or backtest process open the live file. Off unless an operator says so. */
  readonly allowLiveFile?: boolean;
  readonly synchronous?: Synchronous;
  readonly busyTimeoutMs?: number;
  /** WAL pages that trigger a checkpoint (default DEFAULT_WAL_AUTOCHECKPOINT_PAGES). */
  readonly walAutocheckpointPages?: number;
  readonly clock: Clock;
  readonly migrations?: readonly Migration[];
  /**
   * For commands that only read (report, status, validate --live), beside a session that may be
   * running: the file must exist, and is opened read-only with no pragma, no migration and no mode
   * recorded, so its books are neither changed nor locked. See engine/ledger/read-only-database.ts.
   */
  readonly readOnly?: boolean;
}

export interface LedgerDatabase {
  readonly db: Database.Database;
  /** The resolved absolute path, or `:memory:`. */
  readonly path: string;
  /** The mode of the process that opened it. */
  readonly mode: Mode;
  /** The mode the file was created for (differs from `mode` only when the live file was explicitly allowed). */
  readonly fileMode: Mode;
  /** What commits use (a read-only handle commits nothing and reports what was asked). */
  readonly synchronous: Synchronous;
  /** Opened with `readOnly`: every write throws SQLITE_READONLY. */
  readonly readOnly: boolean;
  close(): void;
}

export const MEMORY = ':memory:';

/**
 * SQLite's default checkpoints every 1,000 WAL pages. An order rewrites about 20 pages, nearly all
 * the same few (the last leaf of each table and index), so that default copied the same hot pages
 * into the database and synced it every ~50 orders. A checkpoint copies each page once however
 * often it changed, so a longer WAL costs less disk work per order; 8,192 pages is a 32 MB WAL at
 * most, cut back to JOURNAL_SIZE_LIMIT_BYTES after each checkpoint.
 */
export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 8192;
const JOURNAL_SIZE_LIMIT_BYTES = 64 * 2 ** 20;

/** The path after every override: explicit path, else `<dataDir>/<mode>.sqlite`; a backtest with neither runs in memory. */
export function resolveLedgerPath(opts: Pick<LedgerDatabaseOptions, 'mode' | 'dataDir' | 'path'>): string {
  if (opts.path !== undefined && opts.path !== '') return opts.path === MEMORY ? MEMORY : resolve(opts.path);
  if (opts.dataDir !== undefined && opts.dataDir !== '') return resolve(opts.dataDir, `${opts.mode}.sqlite`);
  if (opts.mode === 'backtest') return MEMORY;
  throw new TradegateError('LEDGER_OPEN_FAILED', `mode ${opts.mode} needs a data directory or a database path`, {
    mode: opts.mode,
  });
}

function applyPragmas(db: Database.Database, path: string, synchronous: Synchronous, walPages: number): void {
  if (path !== MEMORY) {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new TradegateError('LEDGER_OPEN_FAILED', `${path} refused WAL mode (got ${String(mode)})`, { path });
    db.pragma(`wal_autocheckpoint = ${walPages}`);
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
  }
  db.pragma(`synchronous = ${synchronous}`);
  // A savepoint keeps the pages it first touches aside in a sub-journal, which SQLite spills to a temp
  // file past 64 KiB: an order's unit touches ~20 pages, so without this every few orders created,
  // wrote and unlinked a file. The sub-journal is a few hundred KiB at most; memory it is.
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  if (db.pragma('foreign_keys', { simple: true }) !== 1) {
    throw new TradegateError('LEDGER_OPEN_FAILED', 'SQLite refused to enforce foreign keys', { path });
  }
}

function recordMode(db: Database.Database, mode: Mode, clock: Clock): Mode {
  const insert = db.prepare("INSERT OR IGNORE INTO ledger_meta (key, value) VALUES (?, ?)");
  db.transaction(() => {
    insert.run('mode', mode);
    insert.run('created_at_ms', String(clock.now()));
  })();
  const row = db.prepare<[], { value: string }>("SELECT value FROM ledger_meta WHERE key = 'mode'").get();
  return MODES.find((m) => m === row?.value) ?? mode;
}

/** Opens (creating if needed) and migrates the ledger for one mode, or only reads it. Refusals happen before any write. */
export function openLedgerDatabase(opts: LedgerDatabaseOptions): LedgerDatabase {
  const path = resolveLedgerPath(opts);
  if (opts.readOnly === true) {
    if (path === MEMORY) throw new TradegateError('LEDGER_NOT_FOUND', `a ${opts.mode} ledger in memory has nothing to read: name a data directory or a file`, { mode: opts.mode });
    return openReadOnly(path, opts);
  }
  const synchronous = opts.synchronous ?? 'FULL';
  let expected: Mode = opts.mode;
  if (path !== MEMORY) {
    expected = guardPath(path, opts, storedMode(path));
    mkdirSync(dirname(path), { recursive: true });
  }
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 });
  } catch (cause) {
    throw new TradegateError('LEDGER_OPEN_FAILED', `cannot open ${path}: ${(cause as Error).message}`, { path });
  }
  try {
    applyPragmas(db, path, synchronous, walAutocheckpointPages(opts.walAutocheckpointPages));
    migrate(db, opts.clock, opts.migrations ?? MIGRATIONS);
    const fileMode = recordMode(db, expected, opts.clock);
    if (fileMode !== expected) {
      throw new TradegateError('LEDGER_MODE_MISMATCH', `${path} belongs to mode ${fileMode}, not ${expected}`, { path });
    }
    if (fileMode === 'live') guardRehearsal(db, path, opts.mode, opts.clock);
    return { db, path, mode: opts.mode, fileMode, synchronous, readOnly: false, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}

function walAutocheckpointPages(pages: number | undefined): number {
  if (pages === undefined) return DEFAULT_WAL_AUTOCHECKPOINT_PAGES;
  if (!Number.isInteger(pages) || pages < 1) {
    throw new TradegateError('LEDGER_OPEN_FAILED', `walAutocheckpointPages must be a positive integer, got ${pages}`, { pages });
  }
  return pages;
}

/** For tests and tools: the file a mode would use under a data directory. */
export function ledgerFileFor(dataDir: string, mode: Mode): string {
  return join(resolve(dataDir), `${mode}.sqlite`);
}
