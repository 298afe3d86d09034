// Posts fills, funding and settlements to the books: each one a single transaction over fills, lots, positions and cash.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { Side } from '../types.ts';
import {
  type BinaryOutcome,
  type FillPlan,
  feeMovement,
  fundingMicros,
  lotsAfter,
  type OpenLot,
  planFill,
  planSettlement,
  positionOfLots,
  settlementPrice,
} from './accounting.ts';
import { atomically, joinTransaction } from './atomic.ts';
import type { CashRepository } from './cash-repository.ts';
import type { FillRepository, Liquidity } from './fill-repository.ts';
import { directionOfSide, type Leg, legOfSide } from './legs.ts';
import { checkPrice, type Micros, microsToUsd, qtyToE8, usdToMicros } from './money.ts';
import type { OrderRecord, OrderRepository } from './order-repository.ts';
import type { PositionRecord, PositionRepository } from './position-repository.ts';

export interface Books {
  readonly db: Database.Database;
  readonly clock: Clock;
  readonly orders: OrderRepository;
  readonly fills: FillRepository;
  readonly positions: PositionRepository;
  readonly cash: CashRepository;
}

export interface FillInput {
  readonly venue: string;
  readonly venueFillId: string;
  /** The order this fill belongs to, when the ledger has it. */
  readonly clientOrderId?: string | null;
  readonly instrument: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  /** USD paid for this fill; negative for a maker rebate. */
  readonly fee: number;
  readonly liquidity: Liquidity;
  /** The venue's time of the fill. */
  readonly tsMs: number;
}

export type FillResult =
  | {
      readonly status: 'applied';
      readonly fillId: number;
      readonly realizedPnlUsd: number;
      readonly feeUsd: number;
      readonly position: PositionRecord;
      /** The order the fill was booked on, as updated by it; undefined when the ledger holds no such order. */
      readonly order: OrderRecord | undefined;
    }
  /** Already in the ledger: nothing was posted. `matches` is false when the venue now reports different terms. */
  | { readonly status: 'duplicate'; readonly fillId: number; readonly matches: boolean };

/** The position row after a plan: quantity and cost from the lots the plan leaves open, running totals added. */
function nextPosition(books: Books, before: PositionRecord, lots: readonly OpenLot[], plan: FillPlan, extra: { fee: Micros }): PositionRecord {
  const { qtyE8, costMicros } = positionOfLots(lotsAfter(lots, plan));
  const now = books.clock.now();
  const flipped = before.qtyE8 === 0 || Math.sign(before.qtyE8) !== Math.sign(qtyE8);
  const keep = qtyE8 !== 0 && !flipped;
  return {
    ...before,
    qtyE8,
    costMicros,
    realizedMicros: before.realizedMicros + plan.realizedMicros,
    feesMicros: before.feesMicros + extra.fee,
    openedAtMs: qtyE8 === 0 ? null : keep ? before.openedAtMs : now,
    peakPrice: keep ? before.peakPrice : null,
    peakPnlFraction: keep ? before.peakPnlFraction : null,
  };
}

function duplicateOf(books: Books, f: FillInput, qtyE8: number, feeMicros: Micros): FillResult {
  const existing = books.fills.byVenueFillId(f.venue, f.venueFillId);
  if (!existing) throw new TradegateError('LEDGER_ORDER_CONFLICT', `fill ${f.venueFillId} conflicts but cannot be read`, { fill: f });
  const matches = existing.instrument === f.instrument && existing.side === f.side && qtyToE8(existing.qty) === qtyE8 &&
    existing.price === f.price && usdToMicros(existing.feeUsd) === feeMicros;
  return { status: 'duplicate', fillId: existing.id, matches };
}

function checkFill(f: FillInput): number {
  checkPrice(f.price, 'fill price');
  if (!Number.isFinite(f.fee)) throw new TradegateError('LEDGER_INVALID_AMOUNT', `fill fee ${f.fee} must be finite`, { fill: f });
  const qtyE8 = qtyToE8(f.qty, 'fill quantity');
  if (qtyE8 <= 0) throw new TradegateError('LEDGER_INVALID_AMOUNT', `fill quantity ${f.qty} must be > 0`, { fill: f });
  return qtyE8;
}

/**
 * Records a venue fill and everything it changes, atomically. A fill whose venue fill id is
 * already in the ledger is reported as a duplicate and posts nothing: restarts, retries and
 * reconciliation replays never double-count.
 */
export function applyFill(books: Books, f: FillInput): FillResult {
  const qtyE8 = checkFill(f);
  const feeMicros = usdToMicros(f.fee, 'fill fee');
  return joinTransaction(books.db, (): FillResult => {
    const leg = legOfSide(f.side);
    const lots = books.positions.openLots(f.instrument, leg);
    const plan = planFill(lots, { direction: directionOfSide(f.side), qtyE8, price: f.price });
    const orderId = f.clientOrderId ? books.orders.idOf(f.clientOrderId) : undefined;
    const fillId = books.fills.insert({
      venue: f.venue, venueFillId: f.venueFillId, orderId: orderId ?? null, instrument: f.instrument, leg, side: f.side, qtyE8,
      price: f.price, notionalMicros: plan.notionalMicros, feeMicros, liquidity: f.liquidity, realizedMicros: plan.realizedMicros,
      venueTsMs: f.tsMs, recordedAtMs: books.clock.now(),
    });
    if (fillId === null) return duplicateOf(books, f, qtyE8, feeMicros);
    const before = books.positions.get(f.instrument, leg) ?? books.positions.empty(f.instrument, leg);
    books.positions.applyPlan(plan, { instrument: f.instrument, leg, fillId, price: f.price });
    const position = nextPosition(books, before, lots, plan, { fee: feeMicros });
    books.positions.save(position);
    const reference = `${f.venue}:${f.venueFillId}`;
    books.cash.append({ kind: 'trade', amountMicros: plan.tradeCashMicros, instrument: f.instrument, reference, fillId });
    const fee = feeMovement(feeMicros);
    if (fee) books.cash.append({ kind: fee.kind, amountMicros: fee.amountMicros, instrument: f.instrument, reference, fillId });
    const booked = orderId === undefined ? undefined : books.orders.addFill(orderId, qtyE8, feeMicros);
    return { status: 'applied', fillId, realizedPnlUsd: microsToUsd(plan.realizedMicros), feeUsd: microsToUsd(feeMicros), position, order: booked };
  });
}

export interface SettlementInput {
  readonly instrument: string;
  readonly outcome: BinaryOutcome;
}

export interface LegSettlement {
  readonly leg: Leg;
  readonly payoutUsd: number;
  readonly realizedPnlUsd: number;
  /** True when this leg was settled before: nothing was posted again. */
  readonly alreadySettled: boolean;
}

/** Closes every YES and NO lot of a binary market at its payout (1.00 for the winning leg, 0 for the other). */
export function applySettlement(books: Books, s: SettlementInput): LegSettlement[] {
  return atomically(books.db, () => {
    const out: LegSettlement[] = [];
    for (const leg of ['yes', 'no'] as const) {
      const reference = `${s.instrument}:${leg}`;
      if (books.cash.byReference('settlement', reference)) {
        out.push({ leg, payoutUsd: 0, realizedPnlUsd: 0, alreadySettled: true });
        continue;
      }
      const lots = books.positions.openLots(s.instrument, leg);
      const plan = planSettlement(lots, settlementPrice(leg, s.outcome));
      if (!plan) continue;
      const before = books.positions.get(s.instrument, leg) ?? books.positions.empty(s.instrument, leg);
      books.positions.applyPlan(plan, { instrument: s.instrument, leg, fillId: null, price: settlementPrice(leg, s.outcome) });
      books.positions.save(nextPosition(books, before, lots, plan, { fee: 0 }));
      books.cash.append({ kind: 'settlement', amountMicros: plan.tradeCashMicros, instrument: s.instrument, reference,
        note: `outcome ${s.outcome}` });
      out.push({ leg, payoutUsd: microsToUsd(plan.tradeCashMicros), realizedPnlUsd: microsToUsd(plan.realizedMicros), alreadySettled: false });
    }
    return out;
  });
}

export interface FundingInput {
  readonly instrument: string;
  /** Per funding interval; > 0 means longs pay shorts. */
  readonly rate: number;
  readonly markPrice: number;
  /** The venue's id of this funding event (or instrument + interval): posting it twice is a no-op. */
  readonly reference: string;
  /**
   * What the venue booked, signed from the holder's side (negative: paid). The money that moved wins
   * over the ledger's own reckoning (qty x mark x rate), which is used only when the venue gives none.
   */
  readonly amountUsd?: number;
}

export interface FundingResult {
  readonly amountUsd: number;
  readonly duplicate: boolean;
}

/** Books one funding payment on an outright (perpetual) position as cash, in the holder's sign. */
export function applyFunding(books: Books, f: FundingInput): FundingResult {
  return atomically(books.db, (): FundingResult => {
    if (books.cash.byReference('funding', f.reference)) return { amountUsd: 0, duplicate: true };
    const position = books.positions.get(f.instrument, 'outright');
    const amount = f.amountUsd === undefined ? fundingMicros(position?.qtyE8 ?? 0, f.markPrice, f.rate) : usdToMicros(f.amountUsd, 'funding amount');
    if (amount === 0) return { amountUsd: 0, duplicate: false };
    books.cash.append({ kind: 'funding', amountMicros: amount, instrument: f.instrument, reference: f.reference,
      note: `rate ${f.rate} at ${f.markPrice}` });
    // Cash moved either way; a payment on a position the ledger does not hold shows up in reconciliation.
    if (position) books.positions.save({ ...position, fundingMicros: position.fundingMicros + amount });
    return { amountUsd: microsToUsd(amount), duplicate: false };
  });
}
