// The mark a paper or dry_run session leaves in a live ledger it opened on purpose, and the live open that refuses such a file.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { Mode } from '../types.ts';

const KEY = 'rehearsal';

interface Rehearsal {
  readonly mode: Mode;
  readonly atMs: number;
}

/** Who rehearsed on the file and when, in words; undefined when no one did. A mark that cannot be read still marks the file. */
function describeMark(db: Database.Database): string | undefined {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM ledger_meta WHERE key = ?').get(KEY);
  if (row === undefined) return undefined;
  try {
    const mark = JSON.parse(row.value) as Rehearsal;
    return `a ${mark.mode} session that opened it with --allow-live-database at ${new Date(mark.atMs).toISOString()}`;
  } catch {
    return `a session that opened it with --allow-live-database (its mark reads ${JSON.stringify(row.value)})`;
  }
}

/**
 * Called on every read-write open of a file that belongs to live. A rehearsal (paper or dry_run with
 * --allow-live-database) books its own deposits, orders and fills there and its reconciliation
 * moves the orders it finds, while cash, orders and fills are one journal per file: after it, the
 * live account's cash and open orders in that file are no longer the venue's, and a live session
 * would trade on them (a phantom loss tripping the loss limits, live orders marked not found). So
 * the first rehearsal marks the file before it writes anything else, and live refuses a marked file
 * rather than mix the two: rehearse on a copy, or restore the live file from a backup.
 */
export function guardRehearsal(db: Database.Database, path: string, mode: Mode, clock: Clock): void {
  if (mode !== 'live') {
    const mark: Rehearsal = { mode, atMs: clock.now() };
    db.prepare('INSERT OR IGNORE INTO ledger_meta (key, value) VALUES (?, ?)').run(KEY, JSON.stringify(mark));
    return;
  }
  const by = describeMark(db);
  if (by === undefined) return;
  throw new TradegateError(
    'LEDGER_REHEARSED',
    `${path} holds the bookings of ${by}: ` +
      'its cash, orders and fills are no longer the live account\u2019s alone, so no live process opens it for writing. ' +
      'Restore the live ledger from a backup taken before that session; rehearse on a copy of the live file.',
    { path, rehearsedBy: by },
  );
}
