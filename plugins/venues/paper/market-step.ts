// Advances the book by one market event: funding due, order matching and settlement, expiries, the new mark.
import type { MarketEvent } from '../../../engine/plugins/plugin-api.ts';
import { fillableQuantity, isOpen, positionOf, remainingOf, settleFill } from './account.ts';
import type { BookState, Direction, FillRecord, FundingRecord, OrderRecord } from './book-state.ts';
import { feeMicros, feeRateBps } from './fees.ts';
import { dueFundingTimes, fundingAmountMicros } from './funding.ts';
import { type Execution, makerLiquidity, matchOrder } from './matching.ts';
import type { OpenOrders } from './open-orders.ts';
import type { InstrumentSpec, PaperSettings } from './paper-config.ts';
import { notionalMicros, roundQty } from './units.ts';

export interface StepOutcome {
  readonly fills: readonly FillRecord[];
  readonly funding: readonly FundingRecord[];
  /** Orders that changed status (filled, expired, canceled or rejected at execution). */
  readonly closed: readonly OrderRecord[];
  /** True when anything that must survive a restart changed. */
  readonly changed: boolean;
}

/** Ids unique across fresh starts (the book id changes), so the ledger never mistakes a new fill for an old one. */
export function fillId(book: BookState, seq: number): string {
  return `${book.bookId}-f${seq}`;
}

/**
 * The mid nearest funding time `ts`: the mark (the last close before this event) or this event's opening quote, the
 * mark on a tie. A mark-only event is not saved, so after a SIGKILL the mark in hand is the last save's, up to a
 * funding interval old; nearest-in-time keeps such a restart to what any gap in the data costs, at no saving cost.
 */
function fundingMark(book: BookState, event: MarketEvent, ts: number): number {
  const mark = book.marks[event.instrument];
  if (mark && Math.abs(ts - mark.ts) <= Math.abs(event.ts - ts)) return (mark.bid + mark.ask) / 2;
  return (event.quote.bidOpen + event.quote.askOpen) / 2;
}

function settleFunding(book: BookState, spec: InstrumentSpec, event: MarketEvent): FundingRecord[] {
  if (!spec.funding) return [];
  const checked = book.fundingCheckedTs[spec.instrument];
  book.fundingCheckedTs[spec.instrument] = Math.max(checked ?? event.ts, event.ts);
  if (checked === undefined) return [];
  const paid: FundingRecord[] = [];
  for (const ts of dueFundingTimes(checked, event.ts, spec.funding.intervalMs)) {
    const markPrice = fundingMark(book, event, ts);
    const positionQuantity = positionOf(book, spec.instrument);
    const amount = fundingAmountMicros(positionQuantity, markPrice, spec.funding.rate);
    if (amount === 0) continue;
    book.cashMicros += amount;
    const record: FundingRecord = {
      seq: book.funding.length + 1,
      reference: `${book.bookId}-funding-${spec.instrument}-${ts}`,
      instrument: spec.instrument,
      ts,
      rate: spec.funding.rate,
      markPrice,
      positionQuantity,
      amountUsd: amount / 1e6,
    };
    book.funding.push(record);
    paid.push(record);
  }
  return paid;
}

function execute(book: BookState, spec: InstrumentSpec, settings: PaperSettings, order: OrderRecord, ex: Execution): FillRecord | null {
  const bps = feeRateBps(settings.fees, ex.liquidity);
  const quantity = fillableQuantity(book, spec, order, ex.quantity, ex.price, bps);
  const short = quantity < ex.quantity;
  let fill: FillRecord | null = null;
  if (quantity > 0) {
    const fee = feeMicros(notionalMicros(quantity, ex.price), bps);
    settleFill(book, spec.instrument, order.side, quantity, ex.price, fee);
    order.filledQuantity = roundQty(order.filledQuantity + quantity);
    const seq = book.fills.length + 1;
    fill = {
      seq,
      venueFillId: fillId(book, seq),
      venueOrderId: order.venueOrderId,
      clientOrderId: order.clientOrderId,
      instrument: order.instrument,
      side: order.side,
      quantity,
      price: ex.price,
      feeUsd: fee / 1e6,
      liquidity: ex.liquidity,
      ts: ex.ts,
    };
    book.fills.push(fill);
  }
  order.updatedAt = ex.ts;
  if (remainingOf(order) <= 0) order.status = 'filled';
  else if (short || order.type === 'market') closeShort(order, short);
  else order.status = 'partially_filled';
  return fill;
}

/** What the account could not settle, or what a market order could not take at once, is not left working. */
function closeShort(order: OrderRecord, byAccount: boolean): void {
  const reason = byAccount
    ? order.reduceOnly
      ? 'reduce-only: the position is smaller than the order at execution'
      : 'insufficient balance at execution'
    : 'market order remainder canceled';
  order.status = order.filledQuantity > 0 ? 'canceled' : 'rejected';
  order.rejectReason = `${reason}; ${remainingOf(order)} not filled`;
}

/** Expires every open order (of those `which` selects) whose TTL ended at or before `ts`, taking it out of `open`; returns them. */
export function expireDue(open: OpenOrders, ts: number, which: (o: OrderRecord) => boolean = () => true): OrderRecord[] {
  const closed: OrderRecord[] = [];
  for (const o of open) {
    if (o.expiresAt === null || o.expiresAt > ts || !which(o)) continue;
    o.status = 'expired';
    o.updatedAt = o.expiresAt;
    open.update(o);
    closed.push(o);
  }
  return closed;
}

/** `open` is the book's open orders: matching walks them in seq order (first placed, first filled) and drops those it closes. */
export function stepMarket(book: BookState, open: OpenOrders, event: MarketEvent, settings: PaperSettings): StepOutcome {
  const spec = settings.instruments.get(event.instrument);
  // Events arrive by period end: an order elsewhere whose TTL ran out before this period began has had its chances.
  const closed = expireDue(open, event.ts, (o) => o.instrument !== event.instrument);
  if (!spec) return { fills: [], funding: [], closed, changed: closed.length > 0 };
  const funding = settleFunding(book, spec, event);
  const available: Record<Direction, number> = {
    buy: makerLiquidity('buy', event, settings.participation),
    sell: makerLiquidity('sell', event, settings.participation),
  };
  const fills: FillRecord[] = [];
  let changed = closed.length > 0 || funding.length > 0;
  for (const order of open) {
    if (order.instrument !== event.instrument) continue;
    const result = matchOrder(order, event, { slippage: settings.slippage, priceTick: spec.priceTick, quantityStep: spec.quantityStep, makerAvailable: available[order.side] });
    changed ||= result.arrived !== order.arrived || result.resting !== order.resting;
    order.arrived = result.arrived;
    order.resting = result.resting;
    if (result.execution) {
      const fill = execute(book, spec, settings, order, result.execution);
      if (fill && fill.liquidity === 'maker') available[order.side] -= fill.quantity;
      if (fill) fills.push(fill);
      open.update(order);
      if (!isOpen(order)) closed.push(order);
      changed = true;
    }
  }
  const expired = expireDue(open, event.endTs, (o) => o.instrument === event.instrument);
  closed.push(...expired);
  book.marks[event.instrument] = { bid: event.quote.bidClose, ask: event.quote.askClose, ts: event.endTs };
  return { fills, funding, closed, changed: changed || expired.length > 0 };
}
