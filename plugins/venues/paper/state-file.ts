// Saves the paper venue's state atomically (temp file, fsync, rename) and reads it back, setting a corrupt file aside.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PluginLogger } from '../../../engine/plugins/plugin-api.ts';

/** Grep-friendly event names of what happens to the file. */
export const STATE_EVENTS = {
  corrupt: 'paper.state_corrupt',
  loaded: 'paper.state_loaded',
  fresh: 'paper.state_fresh',
  tempRemoved: 'paper.state_temp_removed',
  tempKept: 'paper.state_temp_kept',
} as const;

export type StateRead<T> = { readonly kind: 'missing' } | { readonly kind: 'loaded'; readonly state: T } | { readonly kind: 'corrupt'; readonly reason: string; readonly keptAs: string | null };

let tempCounter = 0;

function tempPrefix(path: string): string {
  return `${basename(path)}.tmp-`;
}

/**
 * The new content is complete on disk before it takes the file's name: a crash at any point leaves either the old
 * state or the new one, never half of one. The temp file carries the writer's pid, so the next read can tell a
 * crash's leftover (removed) from a save still in progress in a running process (kept). Returns the file's size,
 * which the journal measures itself against.
 */
export function writeStateAtomic(path: string, value: unknown, fsync: boolean): number {
  const temp = join(dirname(path), `${tempPrefix(path)}${process.pid}-${++tempCounter}`);
  let bytes = 0;
  try {
    const fd = openSync(temp, 'w', 0o600);
    try {
      const text = Buffer.from(JSON.stringify(value));
      writeFully(fd, text, 0);
      bytes = text.length;
      if (fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    // This process stays alive, so the read-time clean-up would keep its temp file: a failed save removes its own.
    try {
      rmSync(temp, { force: true });
    } catch {
      // The save's own error says more than why its temp file could not go too.
    }
    throw err;
  }
  if (fsync) syncDir(dirname(path));
  return bytes;
}

/** write(2) may take less than it was given (a full disk, a signal); what it left must still go, at its own offset. */
export function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}

/** The rename itself must reach the disk too, or a power cut can bring the old name back. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The pid a temp file's name carries (`<name>.tmp-<pid>-<seq>`), or null when it names no process kill() accepts. */
function tempWriterPid(prefix: string, tempName: string): number | null {
  const match = /^(\d+)-\d+$/.exec(tempName.slice(prefix.length));
  if (!match) return null;
  const pid = Number(match[1]);
  // 0 and negatives would address process groups; kill() refuses pids past 2^31 - 1.
  return pid >= 1 && pid <= 0x7fffffff ? pid : null;
}

/** kill(pid, 0) delivers nothing: ESRCH says no such process; EPERM says it exists but is not ours to signal. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes temp files whose writer has died: the leftovers of a crash. A temp file of a live process is a save in
 * progress (another process on this folder, such as a session still running); removing it would make that save's
 * rename fail, so it is left in place.
 */
function removeLeftoverTemps(path: string, logger: PluginLogger): void {
  const prefix = tempPrefix(path);
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    const file = join(dirname(path), name);
    const pid = tempWriterPid(prefix, name);
    if (pid !== null && processAlive(pid)) {
      logger.warn({ event: STATE_EVENTS.tempKept, file, pid }, 'left a temp state file in place: the process saving it is still running');
      continue;
    }
    rmSync(file, { force: true });
    logger.warn({ event: STATE_EVENTS.tempRemoved, file, pid }, 'removed a temp state file left by an interrupted save');
  }
}

/** Moves a corrupt file to `<name>.corrupt-<ts>` so an operator can inspect it; null when even that fails. */
function setAside(path: string, nowMs: number): string | null {
  let target = `${path}.corrupt-${nowMs}`;
  for (let n = 1; existsSync(target); n++) target = `${path}.corrupt-${nowMs}-${n}`;
  try {
    renameSync(path, target);
    return target;
  } catch {
    return null;
  }
}

/**
 * Reads the state. A missing file is a fresh start; an unreadable, truncated or invalid one is set aside and
 * reported (a logged error with a stable event name) so the venue starts fresh instead of crashing. `decode` turns
 * the file's text into the value `defect` judges; it throws when the text cannot be read as one.
 */
export function readState<T>(path: string, defect: (value: unknown) => string | null, logger: PluginLogger, nowMs: number, decode: (text: string) => unknown = JSON.parse): StateRead<T> {
  removeLeftoverTemps(path, logger);
  if (!existsSync(path)) return { kind: 'missing' };
  let reason: string | null;
  let value: unknown;
  try {
    value = decode(readFileSync(path, 'utf8'));
    reason = defect(value);
  } catch (err) {
    reason = `cannot read or parse: ${(err as Error).message}`;
  }
  if (reason === null) return { kind: 'loaded', state: value as T };
  const keptAs = setAside(path, nowMs);
  logger.error({ event: STATE_EVENTS.corrupt, file: path, kept_as: keptAs, reason }, 'paper venue state file is corrupt; starting with a fresh book');
  return { kind: 'corrupt', reason, keptAs };
}
