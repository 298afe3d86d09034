// A look into another process's ledger while it runs: open positions, live orders, orders sent; SELECTs only, on its own connection.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ledgerFileFor } from '../ledger/database.ts';
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
 * Reads the books of `mode` in `dataDir` as they are now, or null while the ledger does not exist yet.
 * A fresh connection per look: the writer's caches and transactions are its own, the file is the truth.
 */
export function readBook(dataDir: string, mode: Mode): BookState | null {
  const file = ledgerFileFor(dataDir, mode);
  if (!existsSync(file)) return null;
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    const one = (sql: string) => (db.prepare<[string], { n: number }>(sql).get(mode)?.n ?? 0);
    return {
      openPositions: one('SELECT COUNT(*) AS n FROM positions WHERE mode = ? AND qty_e8 <> 0'),
      liveOrders: one(`SELECT COUNT(*) AS n FROM orders WHERE mode = ? AND state IN (${LIVE})`),
      orders: one('SELECT COUNT(*) AS n FROM orders WHERE mode = ?'),
      fills: one('SELECT COUNT(*) AS n FROM fills WHERE mode = ?'),
    };
  } finally {
    db.close();
  }
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
  const file = ledgerFileFor(dataDir, mode);
  if (!existsSync(file)) return 0;
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    const row = db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM decisions WHERE mode = ? AND applies_to = 'entry' AND outcome = 'allow'
      AND COALESCE(json_extract(facts_json, '$."controls.kill_level"'), 'none') <> 'none'`).get(mode);
    return row?.n ?? 0;
  } finally {
    db.close();
  }
}
