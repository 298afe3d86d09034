// The market.* facts of a candidate order: the touch, the expected execution price, drift since the signal, edge left, slippage.
import { directionOfSide, legOfSide } from '../ledger/legs.ts';
import type { Signal } from '../plugins/plugin-api.ts';

/**
 * The market as the caller saw it when it handed the order over (the latest quote of the instrument).
 * For a binary market that is the YES book; marketFacts turns it to the NO book for a NO order.
 */
export interface MarketInput {
  readonly bid: number;
  readonly ask: number;
  readonly lastPrice?: number;
  /**
   * The price the strategy saw when it made the signal, on the order's leg (a NO price for a NO
   * order, like its limit). Defaults to the limit price; a market
   * order without it has no drift to measure, so drift and edge are NaN and the gate fails closed.
   */
  readonly signalPrice?: number;
  readonly dataQualityScore?: number;
  readonly regime?: string;
  readonly adx?: number;
}

export interface MarketFactOptions {
  /** Expected slippage of a market order against the touch, basis points (a market order has no price bound). */
  readonly marketSlippageBps: number;
}

export const DEFAULT_MARKET_SLIPPAGE_BPS = 10;

const BPS = 10_000;

/**
 * Where the order is expected to trade: a market order at the touch, a limit order at the touch
 * when it crosses, else at its own price (it rests).
 */
export function expectedExecutionPrice(
  signal: Pick<Signal, 'side' | 'orderType'>,
  limitPrice: number | undefined,
  market: Pick<MarketInput, 'bid' | 'ask'>,
): number {
  const buy = directionOfSide(signal.side) === 'buy';
  const touch = buy ? market.ask : market.bid;
  if (signal.orderType === 'market' || limitPrice === undefined) return touch;
  return buy ? Math.min(limitPrice, touch) : Math.max(limitPrice, touch);
}

/**
 * The quote in the terms of the contract the side trades. A binary instrument is quoted as YES; a NO
 * contract is offered at 1 - the YES bid and bid at 1 - the YES ask, so a NO order priced against the
 * YES book would show the gate a price, notional and drift that have nothing to do with what it pays.
 */
export function legQuote(side: Signal['side'], market: MarketInput): MarketInput {
  if (legOfSide(side) !== 'no') return market;
  const { bid, ask, lastPrice, ...rest } = market;
  return { ...rest, bid: 1 - ask, ask: 1 - bid, ...(lastPrice !== undefined ? { lastPrice: 1 - lastPrice } : {}) };
}

/**
 * Every market.* fact, on the order's own leg (see legQuote). Values are computed as they come: a NaN or a missing optional input stays
 * NaN or absent, and the gate refuses it (FACT_NOT_FINITE, FACT_MISSING) for any rule that reads it.
 */
export function marketFacts(
  signal: Pick<Signal, 'side' | 'orderType' | 'edgeBps'>,
  limitPrice: number | undefined,
  quoted: MarketInput,
  options: MarketFactOptions,
): { facts: Record<string, unknown>; executionPrice: number } {
  const market = legQuote(signal.side, quoted);
  const { bid, ask } = market;
  const buy = directionOfSide(signal.side) === 'buy';
  const mid = (bid + ask) / 2;
  const executionPrice = expectedExecutionPrice(signal, limitPrice, market);
  const signalPrice = market.signalPrice ?? limitPrice ?? Number.NaN;
  const adverseBps = ((buy ? executionPrice - signalPrice : signalPrice - executionPrice) / signalPrice) * BPS;
  const touch = buy ? ask : bid;
  const beyondTouch = limitPrice === undefined ? 0 : ((buy ? limitPrice - touch : touch - limitPrice) / touch) * BPS;
  const facts: Record<string, unknown> = {
    bid,
    ask,
    mid,
    last_price: market.lastPrice ?? mid,
    spread_bps: ((ask - bid) / mid) * BPS,
    signal_price: signalPrice,
    drift_bps: Math.abs(executionPrice - signalPrice) / signalPrice * BPS,
    // Edge the strategy expected at its price, less what the move since then costs (plus what it gives).
    edge_bps: signal.edgeBps === undefined ? undefined : signal.edgeBps - adverseBps,
    slippage_bps: signal.orderType === 'market' ? options.marketSlippageBps : Math.max(0, beyondTouch),
  };
  if (market.dataQualityScore !== undefined) facts['data_quality_score'] = market.dataQualityScore;
  if (market.regime !== undefined) facts['regime'] = market.regime;
  if (market.adx !== undefined) facts['adx'] = market.adx;
  if (facts['edge_bps'] === undefined) delete facts['edge_bps'];
  return { facts, executionPrice };
}
