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
} as const;

export type StateRead<T> = { readonly kind: 'missing' } | { readonly kind: 'loaded'; readonly state: T } | { readonly kind: 'corrupt'; readonly reason: string; readonly keptAs: string | null };

let tempCounter = 0;

function tempPrefix(path: string): string {
  return `${basename(path)}.tmp-`;
}

/**
 * The new content is complete on disk before it takes the file's name: a crash at any point leaves either the old
 * state or the new one, never half of one. A leftover temp file is ignored (and removed) on the next read.
 */
export function writeStateAtomic(path: string, value: unknown, fsync: boolean): void {
  const temp = join(dirname(path), `${tempPrefix(path)}${process.pid}-${++tempCounter}`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(value));
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  if (fsync) syncDir(dirname(path));
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

function removeLeftoverTemps(path: string, logger: PluginLogger): void {
  const prefix = tempPrefix(path);
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    rmSync(join(dirname(path), name), { force: true });
    logger.warn({ event: STATE_EVENTS.tempRemoved, file: join(dirname(path), name) }, 'removed a temp state file left by an interrupted save');
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
 * reported (a logged error with a stable event name) so the venue starts fresh instead of crashing.
 */
export function readState<T>(path: string, defect: (value: unknown) => string | null, logger: PluginLogger, nowMs: number): StateRead<T> {
  removeLeftoverTemps(path, logger);
  if (!existsSync(path)) return { kind: 'missing' };
  let reason: string | null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
    reason = defect(value);
  } catch (err) {
    reason = `cannot read or parse: ${(err as Error).message}`;
  }
  if (reason === null) return { kind: 'loaded', state: value as T };
  const keptAs = setAside(path, nowMs);
  logger.error({ event: STATE_EVENTS.corrupt, file: path, kept_as: keptAs, reason }, 'paper venue state file is corrupt; starting with a fresh book');
  return { kind: 'corrupt', reason, keptAs };
}
