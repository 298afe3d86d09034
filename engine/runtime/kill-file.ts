// The kill file: `<dataDir>/KILL` holding a level (pause, flatten, emergency) and an optional reason; read by the kill switch on every poll.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KILL_LEVELS, type KillLevel } from '../types.ts';

export const KILL_FILE_NAME = 'KILL';
/** A kill file is a word and a sentence; anything longer is not one, and only its start is read. */
const MAX_READ_BYTES = 4096;

export interface KillFileReading {
  /** The level the file asks for; `none` is read but never lowers anything. */
  readonly level: KillLevel;
  /** The rest of the first line, or a note on how the content was read. */
  readonly reason: string;
  /** This version of the file (inode, size, mtime, content hash): the same version is applied once. */
  readonly identity: string;
}

export function killFilePath(dataDir: string): string {
  return join(dataDir, KILL_FILE_NAME);
}

/**
 * Reads `pause`, `flatten`, `emergency` or `none`, optionally followed by a reason, from the first
 * line that is not blank or a `#` comment. An empty file (`touch KILL`) or a word that is not a level
 * still means someone wants the bot stopped: it pauses (no new risk) rather than being ignored.
 */
export function parseKillFile(text: string): { level: KillLevel; reason: string } {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (line === undefined) return { level: 'pause', reason: 'empty kill file: pausing entries' };
  const [word = '', ...rest] = line.split(/\s+/);
  const level = KILL_LEVELS.find((l) => l === word.toLowerCase());
  if (level === undefined) return { level: 'pause', reason: `kill file says "${line.slice(0, 80)}", not a level (pause, flatten, emergency): pausing entries` };
  return { level, reason: rest.join(' ') || `kill file asks for ${level}` };
}

/** The file as it is now, or null when there is none. A file that exists but cannot be read pauses. */
export function readKillFile(path: string): KillFileReading | null {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { level: 'pause', reason: `kill file ${path} cannot be inspected (${(error as Error).message}): pausing entries`, identity: `unreadable:${path}` };
  }
  const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  let text: string;
  try {
    const buffer = readFileSync(path);
    text = buffer.subarray(0, MAX_READ_BYTES).toString('utf8');
  } catch (error) {
    return { level: 'pause', reason: `kill file ${path} cannot be read (${(error as Error).message}): pausing entries`, identity: `${stamp}:unreadable` };
  }
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  return { ...parseKillFile(text), identity: `${stamp}:${hash}` };
}
