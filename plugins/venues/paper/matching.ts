// Pure matching: given one order and one market event, whether it fills, as maker or taker, at what price and quantity.
import type { MarketEvent, Quote } from '../../../engine/plugins/plugin-api.ts';
import type { Direction, OrderRecord } from './book-state.ts';
import type { Liquidity } from './fees.ts';
import { type SlippageModel, slippedPrice } from './slippage.ts';
import { floorToStep, roundQty } from './units.ts';

export interface Execution {
  readonly liquidity: Liquidity;
  readonly price: number;
  readonly quantity: number;
  /** When the fill happened as far as the data can tell. */
  readonly ts: number;
}

export interface MatchTerms {
  readonly slippage: SlippageModel;
  readonly priceTick: number;
  readonly quantityStep: number;
  /** What resting orders on this side may still take from this event (see makerLiquidity). */
  readonly makerAvailable: number;
}

export interface MatchResult {
  readonly arrived: boolean;
  readonly resting: boolean;
  readonly execution: Execution | null;
}

export interface Touch {
  readonly bid: number;
  readonly ask: number;
  readonly ts: number;
}

export type MatchableOrder = Pick<OrderRecord, 'side' | 'type' | 'quantity' | 'filledQuantity' | 'limitPrice' | 'arrivalTs' | 'expiresAt' | 'arrived' | 'resting'>;

/**
 * The first touch known at or after an order's arrival. If it arrived before the period began, the period's
 * opening quote; if it arrived inside the period, only the closing quote is known to come after it. Never a
 * price from before the order existed, and never the trade close: bid and ask only.
 */
export function touchAt(event: MarketEvent, arrivalTs: number): Touch {
  const q = event.quote;
  const [bid, ask, ts] = arrivalTs <= event.ts ? [q.bidOpen, q.askOpen, event.ts] : [q.bidClose, q.askClose, event.endTs];
  // Data checks only the close for a crossed book; at a crossed open a taker gets the worse of the two, never a sale above the offer.
  return { bid: Math.min(bid, ask), ask: Math.max(bid, ask), ts };
}

/**
 * A resting limit fills only when the other side went through its price during the period: the ask below a buy
 * limit, the bid above a sell limit. Merely touching the limit is not enough: the order would wait in a queue of
 * unknown length at that price, so the conservative reading is no fill.
 */
export function crossedThrough(direction: Direction, limit: number, quote: Quote): boolean {
  return direction === 'buy' ? quote.askLow < limit : quote.bidHigh > limit;
}

/**
 * What all resting orders on one side may fill in a period: a share of the volume that traded in it, or when
 * nothing traded, of the size quoted on the other side at the close; nothing when neither is known.
 */
export function makerLiquidity(direction: Direction, event: MarketEvent, participation: number): number {
  if (event.trade) return event.trade.volume * participation;
  const size = direction === 'buy' ? event.quote.askSize : event.quote.bidSize;
  return size === undefined ? 0 : size * participation;
}

function isMarketable(direction: Direction, limit: number, touch: Touch): boolean {
  return direction === 'buy' ? limit >= touch.ask : limit <= touch.bid;
}

function takerExecution(order: MatchableOrder, touch: Touch, terms: MatchTerms, remaining: number): Execution {
  const touchPrice = order.side === 'buy' ? touch.ask : touch.bid;
  let price = slippedPrice(terms.slippage, order.side, touchPrice, remaining, terms.priceTick);
  // A limit caps what slippage can cost: the order never trades beyond its own price.
  if (order.limitPrice !== null) price = order.side === 'buy' ? Math.min(price, order.limitPrice) : Math.max(price, order.limitPrice);
  return { liquidity: 'taker', price, quantity: remaining, ts: touch.ts };
}

function makerExecution(order: MatchableOrder, event: MarketEvent, terms: MatchTerms, remaining: number): Execution | null {
  const expiresAt = order.expiresAt ?? Number.POSITIVE_INFINITY;
  if (order.limitPrice === null || event.endTs > expiresAt) return null;
  if (!crossedThrough(order.side, order.limitPrice, event.quote)) return null;
  const quantity = floorToStep(Math.min(remaining, terms.makerAvailable), terms.quantityStep);
  if (quantity <= 0) return null;
  return { liquidity: 'maker', price: order.limitPrice, quantity, ts: event.endTs };
}

/**
 * Matches one order against one event of its instrument. An order first meets the market at its arrival touch:
 * a market order, or a limit at or through that touch, takes (taker, whole remaining quantity, plus slippage);
 * any other limit rests, and from then on fills as maker at its limit, by what the period's volume allows.
 */
export function matchOrder(order: MatchableOrder, event: MarketEvent, terms: MatchTerms): MatchResult {
  const unchanged: MatchResult = { arrived: order.arrived, resting: order.resting, execution: null };
  const remaining = roundQty(order.quantity - order.filledQuantity);
  if (event.endTs < order.arrivalTs || remaining <= 0) return unchanged;
  if (order.arrived) return order.resting ? { ...unchanged, execution: makerExecution(order, event, terms, remaining) } : unchanged;
  const touch = touchAt(event, order.arrivalTs);
  if (touch.ts > (order.expiresAt ?? Number.POSITIVE_INFINITY)) return unchanged;
  if (order.limitPrice === null || isMarketable(order.side, order.limitPrice, touch)) {
    return { arrived: true, resting: false, execution: takerExecution(order, touch, terms, remaining) };
  }
  // Resting from arrival; the whole period lies after arrival only if the order was there when it opened.
  const execution = order.arrivalTs <= event.ts ? makerExecution(order, event, terms, remaining) : null;
  return { arrived: true, resting: true, execution };
}
