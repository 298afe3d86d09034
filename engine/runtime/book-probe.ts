// A look into another process's ledger while it runs: open positions, live orders, orders sent; a read-only connection of its own.
import type Database from 'better-sqlite3';
import { systemClock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import { openLedgerDatabase } from '../ledger/database.ts';
import type { Mode } from '../types.ts';
import { LIVE_ORDER_STATES } from './position-tracker.ts';

export interface BookState {
  readonly openPositions: number;
  readonly liveOrders: number;
  readonly orders: number;
  readonly fills: number;
}

const LIVE = LIVE_ORDER_STATES.map((s) => `'${s}'`).join(', ');

/**
 * Runs `read` on a fresh read-only connection to the ledger of `mode` in `dataDir`, or returns `absent`
 * while that ledger does not exist yet (no file, or a file the session has not given a schema yet).
 * Fresh per look: the writer's caches and transactions are its own, the file is the truth. Read-only,
 * so a look never migrates, writes or queues for the session's write lock.
 */
function look<T>(dataDir: string, mode: Mode, absent: T, read: (db: Database.Database) => T): T {
  let ledger: ReturnType<typeof openLedgerDatabase>;
  try {
    ledger = openLedgerDatabase({ dataDir, mode, readOnly: true, busyTimeoutMs: 2000, clock: systemClock });
  } catch (error) {
    if (error instanceof TradegateError && error.code === 'LEDGER_NOT_FOUND') return absent;
    throw error;
  }
  try {
    return read(ledger.db);
  } finally {
    ledger.close();
  }
}

/** Reads the books of `mode` in `dataDir` as they are now, or null while the ledger does not exist yet. */
export function readBook(dataDir: string, mode: Mode): BookState | null {
  return look<BookState | null>(dataDir, mode, null, (db) => {
    const one = (sql: string) => (db.prepare<[string], { n: number }>(sql).get(mode)?.n ?? 0);
    return {
      openPositions: one('SELECT COUNT(*) AS n FROM positions WHERE mode = ? AND qty_e8 <> 0'),
      liveOrders: one(`SELECT COUNT(*) AS n FROM orders WHERE mode = ? AND state IN (${LIVE})`),
      orders: one('SELECT COUNT(*) AS n FROM orders WHERE mode = ?'),
      fills: one('SELECT COUNT(*) AS n FROM fills WHERE mode = ?'),
    };
  });
}

/** Flat: nothing held, nothing resting or in flight. */
export function isFlat(book: BookState | null): boolean {
  return book !== null && book.openPositions === 0 && book.liveOrders === 0;
}

/**
 * Entries the gate let through while it saw a kill level other than none: the kill switch must make
 * that impossible (an entry decided just before the level came into force saw `none`, and is fine).
 */
export function entriesAllowedUnderKill(dataDir: string, mode: Mode): number {
  return look(dataDir, mode, 0, (db) => {
    const row = db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM decisions WHERE mode = ? AND applies_to = 'entry' AND outcome = 'allow'
      AND COALESCE(json_extract(facts_json, '$."controls.kill_level"'), 'none') <> 'none'`).get(mode);
    return row?.n ?? 0;
  });
}
