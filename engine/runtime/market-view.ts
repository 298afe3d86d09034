// What the session knows of each instrument's market: recent bars, the latest quote, feed age, data quality and regime.
import type { Clock } from '../clock.ts';
import type { MarkLookup } from '../ledger/equity.ts';
import type { Leg } from '../ledger/legs.ts';
import type { MarketEvent } from '../market/bar.ts';
import { DataQuality } from '../market/data-quality.ts';
import type { MarketInput } from '../orders/market-facts.ts';
import type { FeedFacts } from '../orders/order-facts.ts';
import { ADX_PERIOD, averageDirectionalIndex, barClose, REGIME_BARS, regimeOf } from './regime.ts';

export interface MarketViewOptions {
  readonly clock: Clock;
  /** An instrument with no bar for longer than this (by the clock) is stale. */
  readonly staleAfterMs: number;
  /** One-bar return volatility (bps) above which the regime is volatile. */
  readonly volatileReturnBps: number;
  /** Bars of history each instrument keeps: at least what the hungriest strategy needs. */
  readonly historyBars: number;
}

interface InstrumentMarket {
  /** Oldest first; trimmed in chunks so appending stays O(1) amortized. */
  history: MarketEvent[];
  bars: number;
  lastReceiveTs: number;
  /** The market input computed for the bar count it was computed at. */
  input?: { readonly bars: number; readonly value: MarketInput };
}

/** Bars the ADX is smoothed over: its seed needs 2 x period + 1, the rest lets Wilder's average settle. */
const ADX_WINDOW = 6 * ADX_PERIOD;

export class MarketView {
  readonly #o: MarketViewOptions;
  readonly #keep: number;
  readonly #by = new Map<string, InstrumentMarket>();
  readonly #quality = new DataQuality();

  constructor(options: MarketViewOptions) {
    this.#o = options;
    this.#keep = Math.max(options.historyBars, REGIME_BARS + 1, ADX_WINDOW);
  }

  /** Takes in one bar: history, bar count, receive time and the data-quality verdict. */
  observe(event: MarketEvent): void {
    let m = this.#by.get(event.instrument);
    if (!m) {
      m = { history: [], bars: 0, lastReceiveTs: Number.NaN };
      this.#by.set(event.instrument, m);
    }
    m.history.push(event);
    if (m.history.length > 2 * this.#keep) m.history.splice(0, m.history.length - this.#keep);
    m.bars += 1;
    m.lastReceiveTs = event.receiveTs;
    const verdict = this.#quality.observePrice(event.instrument, barClose(event));
    // A minute nothing traded in is a quiet market, not a missing field; a missing quote cannot happen (it is synthesized).
    this.#quality.record(event.instrument, { outlier: verdict.outlier });
  }

  instruments(): string[] {
    return [...this.#by.keys()];
  }

  /** Recent bars of the instrument, oldest first, ending with its latest. */
  history(instrument: string): readonly MarketEvent[] {
    return this.#by.get(instrument)?.history ?? [];
  }

  latest(instrument: string): MarketEvent | undefined {
    const h = this.#by.get(instrument)?.history;
    return h?.[h.length - 1];
  }

  /** Bars seen since the session started (history loaded on a resume included). */
  bars(instrument: string): number {
    return this.#by.get(instrument)?.bars ?? 0;
  }

  /** The feed.* facts: an instrument never seen has no age, so the rules that read it fail closed. */
  feed(instrument: string): FeedFacts {
    const last = this.#by.get(instrument)?.lastReceiveTs ?? Number.NaN;
    const age = this.#o.clock.now() - last;
    return { age_ms: age, stale: !(age <= this.#o.staleAfterMs), gap_open: false };
  }

  /** The market as a candidate order's facts read it; a value not known yet is left out (the gate then fails closed). */
  input(instrument: string): MarketInput | undefined {
    const m = this.#by.get(instrument);
    const e = this.latest(instrument);
    if (!m || !e) return undefined;
    if (m.input?.bars === m.bars) return m.input.value;
    const value = this.#compute(e, m.history);
    m.input = { bars: m.bars, value };
    return value;
  }

  #compute(e: MarketEvent, history: readonly MarketEvent[]): MarketInput {
    const score = this.#quality.score(e.instrument);
    const regime = regimeOf(history, this.#o.volatileReturnBps);
    const adx = averageDirectionalIndex(history.slice(-ADX_WINDOW));
    return {
      bid: e.quote.bidClose,
      ask: e.quote.askClose,
      lastPrice: barClose(e),
      ...(score !== null ? { dataQualityScore: score } : {}),
      ...(regime !== null ? { regime } : {}),
      ...(adx !== null ? { adx } : {}),
    };
  }

  /** Marks at the latest mid; a binary NO leg at one minus it. Undefined for an instrument with no quote yet. */
  readonly mark: MarkLookup = (instrument: string, leg: Leg) => {
    const e = this.latest(instrument);
    if (!e) return undefined;
    const mid = (e.quote.bidClose + e.quote.askClose) / 2;
    return leg === 'no' ? 1 - mid : mid;
  };
}
