// Market data shapes every source produces (trade bars, quote bars, merged events) and the invariants a bar must hold.

/** Prices and volume traded in one period. */
export interface Bar {
  readonly instrument: string;
  /** Start of the period, epoch ms UTC. */
  readonly ts: number;
  readonly periodMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** When the source made the bar known (epoch ms); for a replayed bar, the end of its period. */
  readonly sourceTs: number;
  /** When this process received it (epoch ms, injected clock). */
  readonly receiveTs: number;
}

/** Best bid and ask over one period; sizes are the sizes at the close when the source gives them. */
export interface Quote {
  readonly instrument: string;
  readonly ts: number;
  readonly periodMs: number;
  readonly bidOpen: number;
  readonly bidHigh: number;
  readonly bidLow: number;
  readonly bidClose: number;
  readonly bidSize?: number;
  readonly askOpen: number;
  readonly askHigh: number;
  readonly askLow: number;
  readonly askClose: number;
  readonly askSize?: number;
  /** True when the spread was made up from a trade bar because the source had no quote for the period. */
  readonly synthesized: boolean;
  readonly sourceTs: number;
  readonly receiveTs: number;
}

/** One instrument's period: the trades (null when nothing traded) and the quote (real or synthesized). */
export interface MarketEvent {
  readonly instrument: string;
  readonly ts: number;
  readonly periodMs: number;
  /** End of the period: the earliest moment the whole bar may be known (no look-ahead). */
  readonly endTs: number;
  readonly trade: Bar | null;
  readonly quote: Quote;
  readonly sourceTs: number;
  readonly receiveTs: number;
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Why a set of OHLC prices cannot be real, or null when it can. */
export function ohlcDefect(open: number, high: number, low: number, close: number): string | null {
  for (const [name, v] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) {
    if (!Number.isFinite(v)) return `${name} is not a finite number (${v})`;
    if (v <= 0) return `${name} must be > 0, got ${v}`;
  }
  if (high < low) return `high ${high} is below low ${low}`;
  if (high < open || high < close) return `high ${high} is below open ${open} or close ${close}`;
  if (low > open || low > close) return `low ${low} is above open ${open} or close ${close}`;
  return null;
}

/** Why a bar cannot be real, or null when it can. */
export function barDefect(bar: Pick<Bar, 'open' | 'high' | 'low' | 'close' | 'volume'>): string | null {
  const ohlc = ohlcDefect(bar.open, bar.high, bar.low, bar.close);
  if (ohlc) return ohlc;
  if (!Number.isFinite(bar.volume) || bar.volume < 0) return `volume must be a finite number >= 0, got ${bar.volume}`;
  return null;
}

/** Why a quote cannot be real, or null when it can. A locked book (bid == ask) is allowed, a crossed one is not. */
export function quoteDefect(
  q: Pick<Quote, 'bidOpen' | 'bidHigh' | 'bidLow' | 'bidClose' | 'askOpen' | 'askHigh' | 'askLow' | 'askClose' | 'bidSize' | 'askSize'>,
): string | null {
  const bid = ohlcDefect(q.bidOpen, q.bidHigh, q.bidLow, q.bidClose);
  if (bid) return `bid: ${bid}`;
  const ask = ohlcDefect(q.askOpen, q.askHigh, q.askLow, q.askClose);
  if (ask) return `ask: ${ask}`;
  for (const [name, v] of [['bid size', q.bidSize], ['ask size', q.askSize]] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0)) return `${name} must be a finite number >= 0, got ${v}`;
  }
  if (q.bidClose > q.askClose) return `crossed book: bid close ${q.bidClose} is above ask close ${q.askClose}`;
  return null;
}

/**
 * A quote made from a trade bar when the source has none: every price +- half the spread.
 * Fills then pay a spread instead of trading at the close (SPEC R5.1).
 */
export function synthesizeQuote(bar: Bar, spreadBps: number): Quote {
  if (!Number.isFinite(spreadBps) || spreadBps < 0) throw new RangeError(`spread must be a finite number of bps >= 0, got ${spreadBps}`);
  const half = spreadBps / 2 / 10_000;
  return {
    instrument: bar.instrument,
    ts: bar.ts,
    periodMs: bar.periodMs,
    bidOpen: bar.open * (1 - half),
    bidHigh: bar.high * (1 - half),
    bidLow: bar.low * (1 - half),
    bidClose: bar.close * (1 - half),
    askOpen: bar.open * (1 + half),
    askHigh: bar.high * (1 + half),
    askLow: bar.low * (1 + half),
    askClose: bar.close * (1 + half),
    synthesized: true,
    sourceTs: bar.sourceTs,
    receiveTs: bar.receiveTs,
  };
}
