// Real ledgers for tests: SQLite files in a fresh temporary data directory, removed after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../engine/clock.ts';
import type { FillInput } from '../../engine/ledger/bookkeeping.ts';
import { type Ledger, type LedgerOptions, openLedger } from '../../engine/ledger/ledger.ts';
import type { Side } from '../../engine/types.ts';

/** 2024-03-10T12:00:00Z: a fixed, ordinary moment. */
export const T0 = Date.UTC(2024, 2, 10, 12, 0, 0);

export interface TempLedgers {
  readonly dir: string;
  readonly clock: ManualClock;
  open(opts?: Partial<LedgerOptions>): Ledger;
  cleanup(): void;
}

/** A data directory and a clock; every ledger opened through it is closed by cleanup(). */
export function tempLedgers(startMs = T0): TempLedgers {
  const dir = mkdtempSync(join(tmpdir(), 'tg-ledger-'));
  const clock = new ManualClock(startMs);
  const opened: Ledger[] = [];
  return {
    dir,
    clock,
    open(opts = {}) {
      const ledger = openLedger({ dataDir: dir, mode: 'paper', clock, synchronous: 'NORMAL', ...opts });
      opened.push(ledger);
      return ledger;
    },
    cleanup() {
      for (const l of opened) if (l.db.open) l.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let fillSeq = 0;

/** A fill with sensible defaults; every call gets a fresh venue fill id unless one is given. */
export function fill(instrument: string, side: Side, qty: number, price: number, extra: Partial<FillInput> = {}): FillInput {
  fillSeq += 1;
  return {
    venue: 'paper',
    venueFillId: `f-${fillSeq}`,
    instrument,
    side,
    qty,
    price,
    fee: 0,
    liquidity: 'taker',
    tsMs: T0,
    ...extra,
  };
}
