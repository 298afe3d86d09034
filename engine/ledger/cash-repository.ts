// Cash movements: an append-only journal whose last row carries the running balance.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { Mode } from '../types.ts';
import { type Micros, microsToUsd } from './money.ts';

export const CASH_KINDS = ['deposit', 'withdrawal', 'trade', 'fee', 'rebate', 'funding', 'settlement', 'adjustment'] as const;
export type CashKind = (typeof CASH_KINDS)[number];

export interface CashMovementInput {
  readonly kind: CashKind;
  /** Signed: money in > 0, money out < 0. */
  readonly amountMicros: Micros;
  readonly instrument?: string | null;
  /** Unique per kind when given: posting the same funding or settlement twice is refused. */
  readonly reference?: string | null;
  readonly fillId?: number | null;
  readonly note?: string | null;
}

export interface CashMovement {
  readonly id: number;
  readonly kind: CashKind;
  readonly amountUsd: number;
  readonly balanceAfterUsd: number;
  readonly instrument: string | null;
  readonly reference: string | null;
  readonly fillId: number | null;
  readonly note: string | null;
  readonly tsMs: number;
}

interface Row {
  id: number;
  kind: CashKind;
  amount_micros: number;
  balance_after_micros: number;
  instrument: string | null;
  reference: string | null;
  fill_id: number | null;
  note: string | null;
  ts_ms: number;
}

function toMovement(r: Row): CashMovement {
  return {
    id: r.id,
    kind: r.kind,
    amountUsd: microsToUsd(r.amount_micros),
    balanceAfterUsd: microsToUsd(r.balance_after_micros),
    instrument: r.instrument,
    reference: r.reference,
    fillId: r.fill_id,
    note: r.note,
    tsMs: r.ts_ms,
  };
}

export class CashRepository {
  readonly #clock: Clock;
  readonly #mode: Mode;
  readonly #balance;
  readonly #insert;
  readonly #byRef;
  readonly #list;
  readonly #sumByKind;
  readonly #sumByKindAfter;

  constructor(db: Database.Database, clock: Clock, mode: Mode) {
    this.#clock = clock;
    this.#mode = mode;
    this.#balance = db.prepare<[], { b: number }>('SELECT balance_after_micros AS b FROM cash_movements ORDER BY id DESC LIMIT 1');
    // The running balance is read and written by one statement, so it needs no transaction of its own.
    this.#insert = db.prepare(`INSERT INTO cash_movements (mode, kind, amount_micros, balance_after_micros, instrument, reference,
      fill_id, note, ts_ms) SELECT @mode, @kind, @amount,
      COALESCE((SELECT balance_after_micros FROM cash_movements ORDER BY id DESC LIMIT 1), 0) + @amount,
      @instrument, @reference, @fillId, @note, @now`);
    this.#byRef = db.prepare<[string, string], Row>('SELECT * FROM cash_movements WHERE kind = ? AND reference = ?');
    this.#list = db.prepare<[number], Row>('SELECT * FROM cash_movements ORDER BY id LIMIT ?');
    this.#sumByKind = db.prepare<[], { kind: CashKind; total: number }>(
      'SELECT kind, SUM(amount_micros) AS total FROM cash_movements GROUP BY kind',
    );
    this.#sumByKindAfter = db.prepare<[number], { kind: CashKind; total: number; lastId: number }>(
      'SELECT kind, SUM(amount_micros) AS total, MAX(id) AS lastId FROM cash_movements WHERE id > ? GROUP BY kind',
    );
  }

  balanceMicros(): Micros {
    return this.#balance.get()?.b ?? 0;
  }

  /** Appends one movement and returns its id. */
  append(m: CashMovementInput): number {
    if (!Number.isSafeInteger(m.amountMicros)) {
      throw new TradegateError('LEDGER_INVALID_AMOUNT', `cash amount ${m.amountMicros} is not an integer of micros`, { kind: m.kind });
    }
    const info = this.#insert.run({ mode: this.#mode, kind: m.kind, amount: m.amountMicros, instrument: m.instrument ?? null,
      reference: m.reference ?? null, fillId: m.fillId ?? null, note: m.note ?? null, now: this.#clock.now() });
    return Number(info.lastInsertRowid);
  }

  byReference(kind: CashKind, reference: string): CashMovement | undefined {
    const row = this.#byRef.get(kind, reference);
    return row ? toMovement(row) : undefined;
  }

  list(limit = 1000): CashMovement[] {
    return this.#list.all(limit).map(toMovement);
  }

  /** Totals per kind in micros (kinds never posted are 0). */
  totalsByKind(): Record<CashKind, Micros> {
    const out = Object.fromEntries(CASH_KINDS.map((k) => [k, 0])) as Record<CashKind, Micros>;
    for (const row of this.#sumByKind.all()) out[row.kind] = row.total;
    return out;
  }

  /**
   * Totals per kind of the movements after `afterId`, and the last id they include (`afterId` when none):
   * the journal is append-only, so a reader can keep running totals from this cursor. One statement, one snapshot.
   */
  totalsByKindAfter(afterId: number): { totals: Record<CashKind, Micros>; lastId: number } {
    const totals = Object.fromEntries(CASH_KINDS.map((k) => [k, 0])) as Record<CashKind, Micros>;
    let lastId = afterId;
    for (const row of this.#sumByKindAfter.all(afterId)) {
      totals[row.kind] = row.total;
      lastId = Math.max(lastId, row.lastId);
    }
    return { totals, lastId };
  }
}
