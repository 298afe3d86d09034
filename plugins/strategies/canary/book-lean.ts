// Which way the book leans at one tick: queue imbalance when real sizes exist, else short-term momentum of the mid, else neutral.
import type { MarketEvent, Quote } from '../../../engine/plugins/plugin-api.ts';

export type LeanDirection = 'buy' | 'sell' | 'neutral';

export interface BookLean {
  readonly direction: LeanDirection;
  /** What decided: `book` (sizes), `momentum` (mid price change) or `none`. */
  readonly basis: 'book' | 'momentum' | 'none';
  /** For the audit trail: the numbers behind the choice. */
  readonly detail: string;
}

export interface LeanOptions {
  /** |imbalance| at or above this picks the side from the book. */
  readonly imbalanceThreshold: number;
  /** Bars back the momentum fallback compares with. */
  readonly momentumBars: number;
}

export function midOf(quote: Pick<Quote, 'bidClose' | 'askClose'>): number {
  return (quote.bidClose + quote.askClose) / 2;
}

/** (bid size - ask size) / (bid size + ask size), or null when the quote has no real sizes (synthesized, missing or both 0). */
export function queueImbalance(quote: Quote): number | null {
  if (quote.synthesized) return null;
  const bid = quote.bidSize;
  const ask = quote.askSize;
  if (bid === undefined || ask === undefined || !Number.isFinite(bid) || !Number.isFinite(ask)) return null;
  const total = bid + ask;
  if (total <= 0) return null;
  return (bid - ask) / total;
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
/** Sizes to 8 significant digits: readable in the audit trail, free of float tails. */
const size = (n: number) => String(Number(n.toPrecision(8)));

/**
 * More size waiting on the bid than on the ask means buyers are queueing: the book favours a buy.
 * A thin difference is noise, so below the threshold (or without sizes) the last `momentumBars`
 * of mid-price change decide; with no change either, the lean is neutral.
 */
export function bookLean(event: MarketEvent, history: readonly MarketEvent[], options: LeanOptions): BookLean {
  const imbalance = queueImbalance(event.quote);
  if (imbalance !== null && Math.abs(imbalance) >= options.imbalanceThreshold && imbalance !== 0) {
    const detail = `bid size ${size(event.quote.bidSize!)} vs ask size ${size(event.quote.askSize!)}, imbalance ${imbalance > 0 ? '+' : ''}${fmt(imbalance)}`;
    return { direction: imbalance > 0 ? 'buy' : 'sell', basis: 'book', detail };
  }
  const back = history.length - 1 - options.momentumBars;
  const past = back >= 0 ? history[back] : undefined;
  const sizes = imbalance === null ? 'no book sizes' : `imbalance ${fmt(imbalance)} below ${options.imbalanceThreshold}`;
  if (past) {
    const now = midOf(event.quote);
    const then = midOf(past.quote);
    const change = now - then;
    if (change !== 0) {
      const bps = (change / then) * 10_000;
      return { direction: change > 0 ? 'buy' : 'sell', basis: 'momentum', detail: `${sizes}; mid ${fmt(then)} -> ${fmt(now)} over ${options.momentumBars} bars (${bps > 0 ? '+' : ''}${fmt(bps, 1)} bps)` };
    }
    return { direction: 'neutral', basis: 'none', detail: `${sizes}; mid unchanged over ${options.momentumBars} bars` };
  }
  return { direction: 'neutral', basis: 'none', detail: `${sizes}; not enough history for momentum` };
}
