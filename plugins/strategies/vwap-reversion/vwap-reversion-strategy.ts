// VWAP reversion: enter k sigma away from the rolling VWAP expecting a move back, exit at the VWAP; ATR levels are suggestions.
import type { MarketEvent, Signal, Strategy, StrategyContext } from '../../../engine/plugins/plugin-api.ts';
import { averageTrueRange } from './atr.ts';
import { recentTradeBars } from './bar-window.ts';
import type { VwapReversionSettings } from './vwap-config.ts';
import { vwapBand } from './vwap.ts';

export const VWAP_REVERSION_NAME = 'vwap-reversion';

/** The indicator values one signal was based on, for the audit trail and for tests. */
export interface VwapReading {
  readonly close: number;
  readonly vwap: number;
  readonly sigma: number;
  /** (close - vwap) / sigma. */
  readonly z: number;
  readonly atr: number;
}

/**
 * A signal plus what the strategy would suggest as levels. The engine's stop and take-profit come
 * from the rules (stop-loss, take-profit); these travel with the signal into the audit trail.
 */
export interface VwapReversionSignal extends Signal {
  readonly suggestedStopPrice?: number;
  readonly suggestedTargetPrice?: number;
  readonly indicators: VwapReading;
}

const roundPrice = (p: number) => Math.round(p * 1e8) / 1e8;
const f2 = (n: number) => n.toFixed(2);
const barLabel = (ts: number) => new Date(ts).toISOString().replace('.000Z', 'Z');

/** The indicators on the last bars of `history`, or null without enough complete, back-to-back trade bars or with no spread. */
export function readIndicators(history: readonly MarketEvent[], vwapBars: number, atrBars: number): VwapReading | null {
  const bars = recentTradeBars(history, Math.max(vwapBars, atrBars + 1));
  if (!bars) return null;
  const band = vwapBand(bars.slice(bars.length - vwapBars));
  const atr = averageTrueRange(bars, atrBars);
  // A zero sigma (a window of identical prices) gives no z: no opinion rather than an infinite one.
  if (!band || band.sigma <= 0 || atr === null) return null;
  const close = bars[bars.length - 1]!.close;
  return { close, vwap: band.vwap, sigma: band.sigma, z: (close - band.vwap) / band.sigma, atr };
}

export class VwapReversionStrategy implements Strategy {
  readonly warmupBars: number;
  readonly #s: VwapReversionSettings;
  /** Bar start of the last entry signal per instrument, for the cool-off. */
  readonly #lastEntry = new Map<string, number>();

  constructor(settings: VwapReversionSettings) {
    this.#s = settings;
    this.warmupBars = Math.max(settings.vwapBars, settings.atrBars + 1);
  }

  evaluate(ctx: StrategyContext): VwapReversionSignal | null {
    // Fail closed: a position we cannot read is neither flat (no entry) nor sized (no exit).
    if (!Number.isFinite(ctx.position.quantity)) return null;
    const reading = readIndicators(ctx.history, this.#s.vwapBars, this.#s.atrBars);
    if (!reading) return null;
    if (ctx.position.quantity !== 0) return this.#exit(ctx, reading);
    return this.#entry(ctx, reading);
  }

  #exit(ctx: StrategyContext, r: VwapReading): VwapReversionSignal | null {
    const long = ctx.position.quantity > 0;
    const reverted = long ? r.z >= -this.#s.exitZ : r.z <= this.#s.exitZ;
    if (!reverted) return null;
    const { quote, instrument, ts } = ctx.event;
    const offset = this.#s.limitOffsetBps / 10_000;
    return {
      instrument,
      side: long ? 'sell' : 'buy',
      quantity: Math.abs(ctx.position.quantity),
      orderType: 'limit',
      limitPrice: roundPrice(long ? quote.bidClose * (1 - offset) : quote.askClose * (1 + offset)),
      // Per bar: a refused exit is asked again on the next bar under a new id; the same bar never makes two.
      signalId: `${VWAP_REVERSION_NAME}:${instrument}:exit:${barLabel(ts)}`,
      intent: 'exit',
      reason: `reverted: close ${f2(r.close)} is ${r.z.toFixed(2)} sigma from VWAP(${this.#s.vwapBars}) ${f2(r.vwap)}, within the exit band of ${this.#s.exitZ}`,
      ttlMs: this.#s.orderTtlMs,
      indicators: r,
    };
  }

  #entry(ctx: StrategyContext, r: VwapReading): VwapReversionSignal | null {
    const s = this.#s;
    const { quote, instrument, ts, periodMs } = ctx.event;
    const buy = r.z <= -s.entryZ;
    const sell = r.z >= s.entryZ && s.allowShort;
    if (!buy && !sell) return null;
    const last = this.#lastEntry.get(instrument);
    if (last !== undefined && ts - last < s.coolOffBars * periodMs) return null;
    const offset = s.limitOffsetBps / 10_000;
    const price = buy ? quote.askClose * (1 + offset) : quote.bidClose * (1 - offset);
    const direction = buy ? 1 : -1;
    // Expected move: the chosen share of the way from our price to the VWAP; then pay the exit's half spread and a fee each way.
    const reversionBps = (s.reversionShare * direction * (r.vwap - price) * 10_000) / price;
    const mid = (quote.bidClose + quote.askClose) / 2;
    const halfSpreadBps = ((quote.askClose - quote.bidClose) / mid / 2) * 10_000;
    const edgeBps = reversionBps - halfSpreadBps - 2 * s.feeBps;
    if (!(edgeBps > s.minEdgeBps)) return null;
    const stop = roundPrice(price - direction * s.stopAtr * r.atr);
    const target = roundPrice(price + direction * s.targetAtr * r.atr);
    this.#lastEntry.set(instrument, ts);
    return {
      instrument,
      side: buy ? 'buy' : 'sell',
      quantity: s.quantity,
      orderType: 'limit',
      limitPrice: roundPrice(price),
      signalId: `${VWAP_REVERSION_NAME}:${instrument}:entry:${barLabel(ts)}`,
      intent: 'entry',
      edgeBps: Math.round(edgeBps * 100) / 100,
      reason:
        `z ${r.z.toFixed(2)}: close ${f2(r.close)} vs VWAP(${s.vwapBars}) ${f2(r.vwap)}, sigma ${f2(r.sigma)}; ` +
        `ATR(${s.atrBars}) ${f2(r.atr)}: suggested stop ${f2(stop)} (${s.stopAtr} ATR), target ${f2(target)} (${s.targetAtr} ATR); ` +
        `edge ${reversionBps.toFixed(1)} bps reversion - ${halfSpreadBps.toFixed(1)} half spread - ${2 * s.feeBps} fees = ${edgeBps.toFixed(1)} bps`,
      ttlMs: s.orderTtlMs,
      suggestedStopPrice: stop,
      suggestedTargetPrice: target,
      indicators: r,
    };
  }
}
