// One process per mode and data directory: an exclusive SQLite lock on a dedicated file, released by the OS when the holder dies.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { TradegateError } from '../errors.ts';
import type { Mode } from '../types.ts';

/** Who holds the lock, written beside it so a refused second process can name the first. */
export interface LockHolder {
  readonly pid: number;
  /** When the holding process started (epoch ms and ISO). */
  readonly startedAtMs: number;
  readonly startedAt: string;
  readonly host: string;
  readonly mode: Mode;
  readonly dataDir: string;
  readonly command: string;
}

export interface InstanceLock {
  /** The lock file (never deleted: a process that unlinks it could let two holders lock two inodes). */
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

export function instanceLockPath(dataDir: string, mode: Mode): string {
  return join(resolve(dataDir), `${mode}.instance.lock`);
}

function holderPath(dataDir: string, mode: Mode): string {
  return join(resolve(dataDir), `${mode}.instance.json`);
}

/** The holder the file names, or null when there is none or it cannot be read. */
export function readLockHolder(dataDir: string, mode: Mode): LockHolder | null {
  try {
    const value = JSON.parse(readFileSync(holderPath(dataDir, mode), 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.startedAtMs === 'number' ? (value as LockHolder) : null;
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists now (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refusal(dataDir: string, mode: Mode, path: string): TradegateError {
  const holder = readLockHolder(dataDir, mode);
  const who =
    holder === null
      ? 'another process (its holder file is missing or unreadable)'
      : `process ${holder.pid} on ${holder.host}, started ${holder.startedAt} (${holder.command})`;
  return new TradegateError(
    'SESSION_LOCKED',
    `${who} already runs a ${mode} session on ${resolve(dataDir)}; stop it first (systemctl stop tradegate, or kill -TERM ${holder?.pid ?? '<pid>'}) or use another --data-dir. Lock: ${path}`,
    { path, mode, dataDir: resolve(dataDir), ...(holder ? { pid: holder.pid, startedAt: holder.startedAt, host: holder.host } : {}) },
  );
}

/**
 * Two sessions of one mode on one data directory would both trade the account that ledger books.
 * The lock is SQLite's exclusive lock (a POSIX fcntl lock) on `<dataDir>/<mode>.instance.lock`, held
 * by an open transaction for the life of the process: the kernel drops it when the process ends in
 * any way (kill -9, crash, power loss), so there is no stale lock to detect and no pid reuse to fool.
 * Needs a local file system (fcntl locks are unreliable on some network mounts).
 */
export function acquireInstanceLock(dataDir: string, mode: Mode, options: { readonly command?: string } = {}): InstanceLock {
  mkdirSync(dataDir, { recursive: true });
  const path = instanceLockPath(dataDir, mode);
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw refusal(dataDir, mode, path);
    throw error;
  }
  const startedAtMs = Math.round(performance.timeOrigin);
  const holder: LockHolder = {
    pid: process.pid,
    startedAtMs,
    startedAt: new Date(startedAtMs).toISOString(),
    host: hostname(),
    mode,
    dataDir: resolve(dataDir),
    command: options.command ?? process.argv.slice(1).join(' '),
  };
  const info = holderPath(dataDir, mode);
  writeFileSync(`${info}.tmp-${process.pid}`, `${JSON.stringify(holder, null, 2)}\n`);
  renameSync(`${info}.tmp-${process.pid}`, info);
  let held = true;
  return {
    path,
    holder,
    release() {
      if (!held) return;
      held = false;
      if (readLockHolder(dataDir, mode)?.pid === process.pid) rmSync(info, { force: true });
      db.close();
    },
  };
}
