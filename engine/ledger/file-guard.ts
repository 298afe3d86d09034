// Which mode a ledger file belongs to, by its name, its link target and its contents: keeps other modes off the live file and each mode off another's.
import { existsSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { TradegateError } from '../errors.ts';
import { MODES, type Mode } from '../types.ts';
import { missingSidecars, removeLeftovers } from './sidecars.ts';

export interface GuardOptions {
  /** The mode of the process opening the file. */
  readonly mode: Mode;
  readonly dataDir?: string;
  readonly allowLiveFile?: boolean;
}

function modeNamed(path: string): Mode | undefined {
  const name = basename(path);
  return MODES.find((m) => name === `${m}.sqlite`);
}

/** The mode an open database records in ledger_meta; none for a file that is not a ledger (yet). */
export function recordedMode(db: Database.Database): Mode | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_meta'").get();
  if (!hasMeta) return undefined;
  const row = db.prepare<[], { value: string }>("SELECT value FROM ledger_meta WHERE key = 'mode'").get();
  return MODES.find((m) => m === row?.value);
}

/** The mode recorded inside an existing ledger file, read without opening it for writing (and leaving no -wal or -shm by a file it is refused). */
export function storedMode(path: string): Mode | undefined {
  if (!existsSync(path)) return undefined;
  let db: Database.Database | undefined;
  let created: string[] = [];
  try {
    created = missingSidecars(path);
    db = new Database(path, { readonly: true, fileMustExist: true });
    return recordedMode(db);
  } catch (cause) {
    throw new TradegateError('LEDGER_OPEN_FAILED', `${path} is not a readable ledger: ${(cause as Error).message}`, { path });
  } finally {
    db?.close();
    removeLeftovers(path, created);
  }
}

/**
 * Names and contents both count: a renamed copy or a symlink to the live file is still the live
 * file. `stored` is the mode recorded in the file (none when it is new). Returns the mode the file
 * belongs to.
 */
export function guardPath(path: string, opts: GuardOptions, stored: Mode | undefined): Mode {
  const real = existsSync(path) ? realpathSync(path) : path;
  const liveFile = opts.dataDir ? resolve(opts.dataDir, 'live.sqlite') : undefined;
  const liveReal = liveFile && existsSync(liveFile) ? realpathSync(liveFile) : liveFile;
  const named = modeNamed(path) ?? modeNamed(real);
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
