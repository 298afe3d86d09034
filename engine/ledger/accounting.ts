// Pure accounting rules: FIFO lots and realized PnL, fees and rebates, perpetual funding, binary settlement.
import { TradegateError } from '../errors.ts';
import type { Direction, Leg } from './legs.ts';
import { type Micros, mulDiv, notionalMicros, type QtyE8 } from './money.ts';

export type LotSide = 'long' | 'short';

/**
 * An open lot, oldest first in every list. `costMicros` is the cash that opened what remains of
 * it: paid for a long lot, received for a short one (always >= 0).
 */
export interface OpenLot {
  readonly id: number;
  readonly side: LotSide;
  readonly qtyE8: QtyE8;
  readonly costMicros: Micros;
}

/** What a lot holds, whatever its id: all a position total needs. */
export type LotAmount = Pick<OpenLot, 'side' | 'qtyE8' | 'costMicros'>;

export interface FillTerms {
  readonly direction: Direction;
  readonly qtyE8: QtyE8;
  readonly price: number;
}

/** What one fill takes out of one lot. `cashMicros` is the share of the fill's notional for this slice. */
export interface LotClose {
  readonly lotId: number;
  readonly closedQtyE8: QtyE8;
  readonly closedCostMicros: Micros;
  readonly cashMicros: Micros;
  readonly realizedMicros: Micros;
  readonly remainingQtyE8: QtyE8;
  readonly remainingCostMicros: Micros;
}

export interface NewLot {
  readonly side: LotSide;
  readonly qtyE8: QtyE8;
  readonly costMicros: Micros;
}

export interface FillPlan {
  readonly notionalMicros: Micros;
  /** Cash the trade moves: negative for a buy (paid), positive for a sell (received). Fees are separate. */
  readonly tradeCashMicros: Micros;
  readonly closes: readonly LotClose[];
  /** The lot the fill opens: a fresh position, an add, or what is left after flipping through zero. */
  readonly opened: NewLot | null;
  readonly realizedMicros: Micros;
}

function invalid(message: string, details: Record<string, unknown>): TradegateError {
  return new TradegateError('LEDGER_INVALID_AMOUNT', message, details);
}

function checkLots(lots: readonly OpenLot[]): LotSide | null {
  const side = lots[0]?.side ?? null;
  for (const lot of lots) {
    if (lot.side !== side) throw invalid('open lots of one position hold both long and short lots', { lotId: lot.id });
    if (!(lot.qtyE8 > 0) || lot.costMicros < 0) throw invalid('an open lot has a non-positive quantity or a negative cost', { lot });
  }
  return side;
}

function takeOldestFirst(lots: readonly OpenLot[], qtyE8: QtyE8): { takes: { lot: OpenLot; qty: QtyE8 }[]; left: QtyE8 } {
  const takes: { lot: OpenLot; qty: QtyE8 }[] = [];
  let left = qtyE8;
  for (const lot of lots) {
    if (left === 0) break;
    const qty = Math.min(lot.qtyE8, left);
    takes.push({ lot, qty });
    left -= qty;
  }
  return { takes, left };
}

/**
 * FIFO: a fill against the opposite side closes the oldest lots first; whatever quantity is left
 * opens (or adds) a lot on the fill's own side. The fill's notional is split across its slices
 * by quantity, rounding the running total rather than each slice: the slices add up to the
 * notional exactly, none is negative and each is within a micro of its share (a remainder left
 * to the last slice collects every other slice's rounding: after a sweep of many small lots, the
 * lot a flip opens could cost many times its value, or less than nothing).
 */
export function planFill(lots: readonly OpenLot[], fill: FillTerms): FillPlan {
  if (!Number.isSafeInteger(fill.qtyE8) || fill.qtyE8 <= 0) throw invalid(`fill quantity ${fill.qtyE8} must be > 0`, { fill });
  const side = checkLots(lots);
  const notional = notionalMicros(fill.qtyE8, fill.price);
  const opening: LotSide = fill.direction === 'buy' ? 'long' : 'short';
  const closing = side !== null && side !== opening ? lots : [];

  const { takes, left } = takeOldestFirst(closing, fill.qtyE8);
  let sliced: QtyE8 = 0;
  let allocated = 0;
  const slice = (qty: QtyE8): Micros => {
    sliced += qty;
    const upTo = sliced === fill.qtyE8 ? notional : mulDiv(notional, sliced, fill.qtyE8);
    const cash = upTo - allocated;
    allocated = upTo;
    return cash;
  };

  let realized = 0;
  const closes = takes.map(({ lot, qty }): LotClose => {
    const cash = slice(qty);
    const closedCost = qty === lot.qtyE8 ? lot.costMicros : mulDiv(lot.costMicros, qty, lot.qtyE8);
    const pnl = lot.side === 'long' ? cash - closedCost : closedCost - cash;
    realized += pnl;
    return {
      lotId: lot.id,
      closedQtyE8: qty,
      closedCostMicros: closedCost,
      cashMicros: cash,
      realizedMicros: pnl,
      remainingQtyE8: lot.qtyE8 - qty,
      remainingCostMicros: lot.costMicros - closedCost,
    };
  });
  const opened = left > 0 ? { side: opening, qtyE8: left, costMicros: slice(left) } : null;
  return {
    notionalMicros: notional,
    tradeCashMicros: fill.direction === 'buy' ? -notional : notional,
    closes,
    opened,
    realizedMicros: realized,
  };
}

/**
 * The open lots once a plan is written: closed slices shrink their lots (a lot closed in full is
 * gone) and the opened lot, if any, joins at the end. Equal to reading the lots back after the
 * write, without the read.
 */
export function lotsAfter(lots: readonly OpenLot[], plan: FillPlan): LotAmount[] {
  const closes = new Map(plan.closes.map((c) => [c.lotId, c]));
  const out: LotAmount[] = [];
  for (const lot of lots) {
    const c = closes.get(lot.id);
    if (!c) out.push(lot);
    else if (c.remainingQtyE8 > 0) out.push({ ...lot, qtyE8: c.remainingQtyE8, costMicros: c.remainingCostMicros });
  }
  if (plan.opened) out.push(plan.opened);
  return out;
}

/** The position the lots add up to: signed quantity (short < 0) and signed cost (received cash < 0). */
export function positionOfLots(lots: readonly LotAmount[]): { qtyE8: QtyE8; costMicros: Micros } {
  let qtyE8 = 0;
  let costMicros = 0;
  for (const lot of lots) {
    const sign = lot.side === 'long' ? 1 : -1;
    qtyE8 += sign * lot.qtyE8;
    costMicros += sign * lot.costMicros;
  }
  return { qtyE8, costMicros };
}

/** Closing every lot at one price: how a binary contract (or an expiring future) settles. */
export function planSettlement(lots: readonly OpenLot[], payoutPrice: number): FillPlan | null {
  const side = checkLots(lots);
  if (side === null) return null;
  const qtyE8 = lots.reduce((sum, lot) => sum + lot.qtyE8, 0);
  return planFill(lots, { direction: side === 'long' ? 'sell' : 'buy', qtyE8, price: payoutPrice });
}

export type BinaryOutcome = 'yes' | 'no';

/** A binary contract pays 1.00 when its own outcome wins and nothing otherwise: YES on yes, NO on no. */
export function settlementPrice(leg: Leg, outcome: BinaryOutcome): 1 | 0 {
  if (leg === 'outright') throw invalid('only yes and no legs settle by outcome', { leg, outcome });
  // Anything else ('YES', 'void', a 50-50 resolution) would pay both legs 0: refuse it, do not guess.
  if (outcome !== 'yes' && outcome !== 'no') throw invalid(`settlement outcome ${String(outcome)} is neither yes nor no`, { leg, outcome });
  return leg === outcome ? 1 : 0;
}

/**
 * Perpetual funding as a cash movement, by the exchanges' convention: a positive rate means longs
 * pay shorts, a negative rate means shorts pay longs. The payment is |position notional at mark|
 * x |rate|; the result is signed from the holder's side: negative when this position pays.
 */
export function fundingMicros(positionQtyE8: QtyE8, markPrice: number, rate: number): Micros {
  if (!Number.isFinite(rate)) throw invalid(`funding rate ${rate} must be finite`, { rate });
  if (positionQtyE8 === 0 || rate === 0) return 0;
  const notional = notionalMicros(Math.abs(positionQtyE8), markPrice);
  const payment = mulDiv(notional, Math.round(Math.abs(rate) * 1e12), 1e12);
  const pays = (positionQtyE8 > 0) === rate > 0;
  return pays ? -payment : payment;
}

export type FeeMovement = { readonly kind: 'fee' | 'rebate'; readonly amountMicros: Micros };

/** A fee is cash out; a negative fee (a maker rebate) is cash in, booked as a rebate. */
export function feeMovement(feeMicros: Micros): FeeMovement | null {
  if (feeMicros === 0) return null;
  return feeMicros > 0 ? { kind: 'fee', amountMicros: -feeMicros } : { kind: 'rebate', amountMicros: -feeMicros };
}
