// Reads what the runtime assertions check from the ledger: the run's orders and fill sums, positions at mark, and the PnL parts of the books.
import { equityOf, type MarkLookup, markPosition, requireMark } from '../ledger/equity.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { e8ToQty, microsToUsd } from '../ledger/money.ts';
import type { OrderState } from '../types.ts';
import type { AssertedOrder, AssertedPosition, PnlBooks } from './assertions.ts';

type Books = Pick<Ledger, 'db' | 'positions' | 'cash'>;

/**
 * The PnL parts of the books now. Positions keep running totals (realized, fees, funding) per
 * instrument even when flat, so their sums are the books' PnL since the ledger began; the assertion
 * compares two of these snapshots. Throws LEDGER_MARK_MISSING when an open position has no mark.
 */
export function pnlBooks(ledger: Books, mark: MarkLookup): PnlBooks {
  const all = ledger.positions.all();
  const open = all.filter((p) => p.qtyE8 !== 0);
  const sum = (pick: (p: (typeof all)[number]) => number) => all.reduce((s, p) => s + pick(p), 0);
  const unrealized = open.reduce((s, p) => s + markPosition(p, requireMark(mark, p.instrument, p.leg)).unrealizedMicros, 0);
  const totals = ledger.cash.totalsByKind();
  return {
    equityUsd: microsToUsd(equityOf(ledger.cash.balanceMicros(), open, mark).equityMicros),
    realizedUsd: microsToUsd(sum((p) => p.realizedMicros)),
    unrealizedUsd: microsToUsd(unrealized),
    feesUsd: microsToUsd(sum((p) => p.feesMicros)),
    fundingUsd: microsToUsd(sum((p) => p.fundingMicros)),
    externalUsd: microsToUsd(totals.deposit + totals.withdrawal + totals.adjustment),
  };
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
  state: OrderState;
  qtyE8: number;
  filledE8: number;
  venueOrderId: string | null;
  sentNotionalMicros: number | null;
  limitPrice: number | null;
  fillE8: number | null;
}

/**
 * The orders of one run plus every order still live (from any run: a restart inherits them), each with
 * the sum of its fills. `isEntry` is left to the caller's knowledge (unknown counts as an entry).
 */
export function runOrders(ledger: Pick<Ledger, 'db'>, runId: string | null): { orders: AssertedOrder[]; fillQtyByOrder: Map<string, number> } {
  const rows = ledger.db
    .prepare<[string | null], OrderRow>(`SELECT o.client_order_id AS clientOrderId, o.instrument, o.state, o.qty_e8 AS qtyE8, o.filled_qty_e8 AS filledE8,
      o.venue_order_id AS venueOrderId, o.sent_notional_micros AS sentNotionalMicros, o.limit_price AS limitPrice,
      (SELECT SUM(f.qty_e8) FROM fills f WHERE f.order_id = o.id) AS fillE8
      FROM orders o WHERE o.run_id IS ? OR o.state IN ('pending_submit', 'submitted', 'partially_filled', 'unknown') ORDER BY o.id`)
    .all(runId);
  const fillQtyByOrder = new Map<string, number>();
  const orders = rows.map((r): AssertedOrder => {
    fillQtyByOrder.set(r.clientOrderId, e8ToQty(r.fillE8 ?? 0));
    const qty = e8ToQty(r.qtyE8);
    const notionalUsd = r.sentNotionalMicros !== null ? microsToUsd(r.sentNotionalMicros) : r.limitPrice !== null ? qty * r.limitPrice : null;
    return { clientOrderId: r.clientOrderId, instrument: r.instrument, state: r.state, qty, filledQty: e8ToQty(r.filledE8), venueOrderId: r.venueOrderId, notionalUsd };
  });
  return { orders, fillQtyByOrder };
}
