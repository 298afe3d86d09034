// Opens the ledger database for one mode: path resolution, the live-file guard, pragmas and migrations.
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import { MODES, type Mode } from '../types.ts';
import { type Migration, MIGRATIONS, migrate } from './migrations.ts';

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
}

export interface LedgerDatabase {
  readonly db: Database.Database;
  /** The resolved absolute path, or `:memory:`. */
  readonly path: string;
  /** The mode of the process that opened it. */
  readonly mode: Mode;
  /** The mode the file was created for (differs from `mode` only when the live file was explicitly allowed). */
  readonly fileMode: Mode;
  readonly synchronous: Synchronous;
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

function modeNamed(path: string): Mode | undefined {
  const name = basename(path);
  return MODES.find((m) => name === `${m}.sqlite`);
}

/** The mode recorded inside an existing ledger file, read without opening it for writing. */
function storedMode(path: string): Mode | undefined {
  if (!existsSync(path)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_meta'").get();
    if (!hasMeta) return undefined;
    const row = db.prepare<[], { value: string }>("SELECT value FROM ledger_meta WHERE key = 'mode'").get();
    return MODES.find((m) => m === row?.value);
  } catch (cause) {
    throw new TradegateError('LEDGER_OPEN_FAILED', `${path} is not a readable ledger: ${(cause as Error).message}`, { path });
  } finally {
    db?.close();
  }
}

/**
 * Names and contents both count: a renamed copy or a symlink to the live file is still the live
 * file. Returns the mode the file belongs to (recorded in it when it is new).
 */
function guardPath(path: string, opts: LedgerDatabaseOptions): Mode {
  const real = existsSync(path) ? realpathSync(path) : path;
  const liveFile = opts.dataDir ? resolve(opts.dataDir, 'live.sqlite') : undefined;
  const liveReal = liveFile && existsSync(liveFile) ? realpathSync(liveFile) : liveFile;
  const named = modeNamed(path) ?? modeNamed(real);
  const stored = storedMode(path);
  const isLive = named === 'live' || modeNamed(real) === 'live' || stored === 'live' || (liveReal !== undefined && real === liveReal);
  if (opts.mode !== 'live' && isLive) {
    if (opts.allowLiveFile === true) return 'live';
    throw new TradegateError(
      'LEDGER_LIVE_FILE_REFUSED',
      `a ${opts.mode} process refuses to open the live database ${path}; only a paper or dry_run session started with ` +
        '`engine run --allow-live-database` opens it on purpose (no other command takes that flag; status, kill and breaker act on the live ledger with --mode live)',
      { path, mode: opts.mode },
    );
  }
  const other = stored ?? named;
  if (other !== undefined && other !== opts.mode) {
    throw new TradegateError('LEDGER_MODE_MISMATCH', `${path} belongs to mode ${other}, not ${opts.mode}`, {
      path,
      mode: opts.mode,
      fileMode: other,
    });
  }
  return opts.mode;
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

/** Opens (creating if needed) and migrates the ledger for one mode. Refusals happen before any write. */
export function openLedgerDatabase(opts: LedgerDatabaseOptions): LedgerDatabase {
  const path = resolveLedgerPath(opts);
  const synchronous = opts.synchronous ?? 'FULL';
  let expected: Mode = opts.mode;
  if (path !== MEMORY) {
    expected = guardPath(path, opts);
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
    return { db, path, mode: opts.mode, fileMode, synchronous, close: () => db.close() };
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
