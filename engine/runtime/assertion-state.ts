// Reads what the runtime assertions check from the ledger: the run's orders and fill sums, positions at mark, and the PnL parts of the books.
import type Database from 'better-sqlite3';
import type { CashKind } from '../ledger/cash-repository.ts';
import { equityOf, type MarkLookup, markPosition, requireMark } from '../ledger/equity.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { e8ToQty, type Micros, microsToUsd } from '../ledger/money.ts';
import type { OrderState, Side } from '../types.ts';
import type { AssertedOrder, AssertedPosition, PnlBooks } from './assertions.ts';
import { LIVE_ORDER_STATES } from './position-tracker.ts';

type Books = Pick<Ledger, 'db' | 'positions' | 'cash'>;

/**
 * The PnL parts of the books now. Positions keep running totals (realized, fees, funding) per
 * instrument even when flat, so their sums are the books' PnL since the ledger began; the assertion
 * compares two of these snapshots. Throws LEDGER_MARK_MISSING when an open position has no mark.
 */
export function pnlBooks(ledger: Books, mark: MarkLookup, externalMicros: Micros = externalOf(ledger.cash.totalsByKind())): PnlBooks {
  const all = ledger.positions.all();
  const open = all.filter((p) => p.qtyE8 !== 0);
  const sum = (pick: (p: (typeof all)[number]) => number) => all.reduce((s, p) => s + pick(p), 0);
  const unrealized = open.reduce((s, p) => s + markPosition(p, requireMark(mark, p.instrument, p.leg)).unrealizedMicros, 0);
  return {
    equityUsd: microsToUsd(equityOf(ledger.cash.balanceMicros(), open, mark).equityMicros),
    realizedUsd: microsToUsd(sum((p) => p.realizedMicros)),
    unrealizedUsd: microsToUsd(unrealized),
    feesUsd: microsToUsd(sum((p) => p.feesMicros)),
    fundingUsd: microsToUsd(sum((p) => p.fundingMicros)),
    externalUsd: microsToUsd(externalMicros),
  };
}

/** Money that is not PnL: deposits, withdrawals and adjustments, from totals per cash kind. */
export function externalOf(totals: Readonly<Record<CashKind, Micros>>): Micros {
  return totals.deposit + totals.withdrawal + totals.adjustment;
}

/** Open positions with their notional at mark (outright and binary legs alike: |qty| x mark). */
export function assertedPositions(ledger: Books, mark: MarkLookup): AssertedPosition[] {
  return ledger.positions.open().map((p) => {
    const qty = e8ToQty(p.qtyE8);
    return { instrument: p.instrument, qty, notionalUsd: Math.abs(qty) * requireMark(mark, p.instrument, p.leg) };
  });
}

interface OrderRow {
  clientOrderId: string;
  instrument: string;
  side: Side;
  state: OrderState;
  qtyE8: number;
  filledE8: number;
  venueOrderId: string | null;
  sentNotionalMicros: number | null;
  limitPrice: number | null;
  fillE8: number | null;
}

/** The orders the assertions check, the sum of each one's fills, and the side of each live order (for isEntry). */
export interface RunOrders {
  readonly orders: AssertedOrder[];
  readonly fillQtyByOrder: Map<string, number>;
  readonly liveSides: Map<string, Side>;
}

/** The last order event and fill ids: everything after them is new to a reader that has seen up to here. */
export interface OrderCursors {
  readonly eventId: number;
  readonly fillId: number;
}

const LIVE_IN = LIVE_ORDER_STATES.map((s) => `'${s}'`).join(', ');
const COLUMNS = `o.client_order_id AS clientOrderId, o.instrument, o.side, o.state, o.qty_e8 AS qtyE8, o.filled_qty_e8 AS filledE8,
  o.venue_order_id AS venueOrderId, o.sent_notional_micros AS sentNotionalMicros, o.limit_price AS limitPrice,
  (SELECT SUM(f.qty_e8) FROM fills f WHERE f.order_id = o.id) AS fillE8`;
const IN_RUN = `(o.run_id IS @runId OR o.state IN (${LIVE_IN}))`;
/**
 * An order row changes only with an order event (insert, state change) or a fill (filled quantity and
 * fees, booked in the fill's transaction); both tables are append-only, so their ids are cursors. A plain
 * IN over UNION ALL keeps every part a range or index search (a UNION made SQLite scan order_events' index to merge).
 */
const CHANGED = `SELECT ${COLUMNS} FROM orders o WHERE o.id IN (
  SELECT order_id FROM order_events WHERE id > @eventId
  UNION ALL SELECT order_id FROM fills WHERE id > @fillId
  UNION ALL SELECT id FROM orders WHERE state IN (${LIVE_IN})
  UNION ALL SELECT n.id FROM json_each(@named) j JOIN orders n ON n.client_order_id = j.value) AND ${IN_RUN} ORDER BY o.id`;

function toRunOrders(rows: readonly OrderRow[]): RunOrders {
  const fillQtyByOrder = new Map<string, number>();
  const liveSides = new Map<string, Side>();
  const live: ReadonlySet<OrderState> = new Set(LIVE_ORDER_STATES);
  const orders = rows.map((r): AssertedOrder => {
    fillQtyByOrder.set(r.clientOrderId, e8ToQty(r.fillE8 ?? 0));
    if (live.has(r.state)) liveSides.set(r.clientOrderId, r.side);
    const qty = e8ToQty(r.qtyE8);
    const notionalUsd = r.sentNotionalMicros !== null ? microsToUsd(r.sentNotionalMicros) : r.limitPrice !== null ? qty * r.limitPrice : null;
    return { clientOrderId: r.clientOrderId, instrument: r.instrument, state: r.state, qty, filledQty: e8ToQty(r.filledE8), venueOrderId: r.venueOrderId, notionalUsd };
  });
  return { orders, fillQtyByOrder, liveSides };
}

/**
 * The run's order reads, each statement prepared once (the incremental read runs on every step), as the
 * ledger's repositories prepare theirs.
 */
export class RunOrderReads {
  readonly #all;
  readonly #changed;
  readonly #cursors;

  constructor(db: Database.Database) {
    this.#all = db.prepare<{ runId: string | null }, OrderRow>(`SELECT ${COLUMNS} FROM orders o WHERE ${IN_RUN} ORDER BY o.id`);
    this.#changed = db.prepare<{ runId: string | null; eventId: number; fillId: number; named: string }, OrderRow>(CHANGED);
    this.#cursors = db.prepare<[], OrderCursors>(
      'SELECT COALESCE((SELECT MAX(id) FROM order_events), 0) AS eventId, COALESCE((SELECT MAX(id) FROM fills), 0) AS fillId',
    );
  }

  /**
   * The orders of one run plus every order still live (from any run: a restart inherits them), each with
   * the sum of its fills. `isEntry` is left to the caller's knowledge (unknown counts as an entry).
   */
  all(runId: string | null): RunOrders {
    return toRunOrders(this.#all.all({ runId }));
  }

  /**
   * The orders all() would list that may have changed after `since`, with every live order and the
   * `named` ones (by client order id) whether changed or not.
   */
  changed(runId: string | null, since: OrderCursors, named: readonly string[]): RunOrders {
    return toRunOrders(this.#changed.all({ runId, eventId: since.eventId, fillId: since.fillId, named: JSON.stringify(named) }));
  }

  /** The cursors now; read them before the orders, so a change written meanwhile is read again rather than missed. */
  cursors(): OrderCursors {
    return this.#cursors.get() as OrderCursors;
  }
}
