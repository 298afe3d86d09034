// VWAP reversion on a hand-computed series (VWAP, sigma, z, ATR, edge, levels), its guards, its exits, and a run over the shipped data.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireClean } from '../../../../engine/market/bar-set.ts';
import { SHIPPED_REPLAY_DIR, SHIPPED_REPLAY_INSTRUMENT, loadMarketData } from '../../../../engine/market/load-market-data.ts';
import { mergeMarketEvents } from '../../../../engine/market/replay.ts';
import type { MarketEvent, Strategy } from '../../../../engine/plugins/plugin-api.ts';
import manifest from '../../../../plugins/strategies/vwap-reversion/index.ts';
import type { VwapReversionConfig } from '../../../../plugins/strategies/vwap-reversion/vwap-config.ts';
import type { VwapReversionSignal } from '../../../../plugins/strategies/vwap-reversion/vwap-reversion-strategy.ts';
import { MINUTE, T0, contextAt, marketEvent } from '../market-event-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');

/** A small window so every value can be worked by hand: VWAP over 5 bars, ATR over 2, enter at 1.5 sigma. */
const SMALL: VwapReversionConfig = { vwap_bars: 5, atr_bars: 2, entry_z: 1.5, cool_off_bars: 15 };

function strategy(config: VwapReversionConfig = SMALL): Strategy {
  return manifest.create({ config, logger: { debug() {}, info() {}, warn() {}, error() {} }, now: () => T0, random: () => 0.5, stateDir: '/nonexistent' }) as Strategy;
}

const evaluate = (s: Strategy, history: MarketEvent[], quantity = 0, entryPrice = 0) => s.evaluate(contextAt(history, quantity, entryPrice)) as VwapReversionSignal | null;

/**
 * Four quiet bars (high 101, low 99, close 100: typical price 100) and a drop to close 95 (high 100, low 94: tp 96.3333).
 * VWAP = (4 x 100 + 96.3333) / 5 = 99.26667; deviations 0.73333 (x4) and -2.93333, so sigma = 0.73333 x 2 = 1.46667;
 * z = (95 - 99.26667) / 1.46667 = -2.90909. True ranges of the last two bars: 2 and 6, so ATR(2) = 4.
 */
function drop(lastClose = 95, high = 100, low = 94): MarketEvent[] {
  const quiet = [0, 1, 2, 3].map((i) => marketEvent({ ts: T0 + i * MINUTE, open: 100, high: 101, low: 99, close: 100, volume: 1 }));
  return [...quiet, marketEvent({ ts: T0 + 4 * MINUTE, open: 100, high, low, close: lastClose, volume: 1, bid: lastClose - 0.1, ask: lastClose + 0.1 })];
}

/** The same shape upward: close 105, high 106, low 100 (tp 103.6667), so z = +2.90909. */
function spike(): MarketEvent[] {
  const quiet = [0, 1, 2, 3].map((i) => marketEvent({ ts: T0 + i * MINUTE, open: 100, high: 101, low: 99, close: 100, volume: 1 }));
  return [...quiet, marketEvent({ ts: T0 + 4 * MINUTE, open: 100, high: 106, low: 100, close: 105, volume: 1, bid: 104.9, ask: 105.1 })];
}

describe('vwap-reversion entries on a hand-computed series', () => {
  it('needs max(vwap_bars, atr_bars + 1) bars', () => {
    expect(strategy().warmupBars).toBe(5);
    expect(strategy({ vwap_bars: 30, atr_bars: 14 }).warmupBars).toBe(30);
    expect(strategy({ vwap_bars: 10, atr_bars: 14 }).warmupBars).toBe(15);
    expect(evaluate(strategy(), drop().slice(1))).toBeNull();
  });

  it('buys at the ask 2.9 sigma below the VWAP, with the indicator values worked by hand', () => {
    const s = evaluate(strategy(), drop())!;
    expect(s.indicators.vwap).toBeCloseTo(99.266667, 5);
    expect(s.indicators.sigma).toBeCloseTo(1.466667, 5);
    expect(s.indicators.z).toBeCloseTo(-2.909091, 5);
    expect(s.indicators.atr).toBeCloseTo(4, 12);
    expect(s).toMatchObject({
      instrument: 'BTC-USD',
      side: 'buy',
      quantity: 0.001,
      orderType: 'limit',
      limitPrice: 95.1,
      intent: 'entry',
      signalId: 'vwap-reversion:BTC-USD:entry:2018-04-05T00:04:00Z',
      ttlMs: 60_000,
    });
  });

  it('suggests an ATR stop 2 ATR below and a target 3 ATR above the entry price, and says so in the reason', () => {
    const s = evaluate(strategy(), drop())!;
    expect(s.suggestedStopPrice).toBeCloseTo(95.1 - 8, 8);
    expect(s.suggestedTargetPrice).toBeCloseTo(95.1 + 12, 8);
    expect(s.reason).toContain('z -2.91');
    expect(s.reason).toContain('ATR(2) 4.00');
    expect(s.reason).toContain('suggested stop 87.10 (2 ATR), target 107.10 (3 ATR)');
  });

  it('prices the edge as the reversion to VWAP less half the spread and two fees', () => {
    // (99.26667 - 95.1) / 95.1 = 438.13 bps; half spread 0.1 / 95 = 10.53 bps; fees 2 x 10 bps.
    const reversion = ((99.266667 - 95.1) / 95.1) * 10_000;
    const halfSpread = (0.1 / 95) * 10_000;
    expect(evaluate(strategy(), drop())!.edgeBps).toBeCloseTo(reversion - halfSpread - 20, 1);
    expect(evaluate(strategy({ ...SMALL, reversion_share: 0.5 }), drop())!.edgeBps).toBeCloseTo(reversion / 2 - halfSpread - 20, 1);
  });

  it('sends nothing when the edge does not beat fees or the configured floor', () => {
    expect(evaluate(strategy({ ...SMALL, fee_bps: 250 }), drop())).toBeNull();
    expect(evaluate(strategy({ ...SMALL, min_edge_bps: 500 }), drop())).toBeNull();
  });

  it('sends nothing inside the band', () => {
    expect(evaluate(strategy({ ...SMALL, entry_z: 3 }), drop())).toBeNull();
  });

  it('is long-only by default and sells above the band at the bid only when shorts are allowed', () => {
    expect(evaluate(strategy(), spike())).toBeNull();
    const s = evaluate(strategy({ ...SMALL, allow_short: true }), spike())!;
    expect(s).toMatchObject({ side: 'sell', limitPrice: 104.9 });
    expect(s.indicators.z).toBeCloseTo(2.909091, 5);
    expect(s.suggestedStopPrice).toBeCloseTo(104.9 + 8, 8);
    expect(s.suggestedTargetPrice).toBeCloseTo(104.9 - 12, 8);
  });

  it('cools off for cool_off_bars after an entry signal', () => {
    const first = drop();
    const second = [...first.slice(1), marketEvent({ ts: T0 + 5 * MINUTE, open: 95, high: 95, low: 89, close: 90, volume: 1, bid: 89.9, ask: 90.1 })];
    const cooling = strategy();
    expect(evaluate(cooling, first)).not.toBeNull();
    expect(evaluate(cooling, second)).toBeNull();
    const eager = strategy({ ...SMALL, cool_off_bars: 0 });
    expect(evaluate(eager, first)).not.toBeNull();
    expect(evaluate(eager, second)?.signalId).toBe('vwap-reversion:BTC-USD:entry:2018-04-05T00:05:00Z');
  });

  it('has no opinion on a window with a gap, a quote-only minute or no price spread', () => {
    const events = drop();
    const gapped = [...events.slice(0, 4), marketEvent({ ts: T0 + 6 * MINUTE, open: 100, high: 100, low: 94, close: 95, volume: 1 })];
    expect(evaluate(strategy(), gapped)).toBeNull();
    const quoteOnly = [...events.slice(0, 4), marketEvent({ ts: T0 + 4 * MINUTE, trade: false, bid: 94.9, ask: 95.1 })];
    expect(evaluate(strategy(), quoteOnly)).toBeNull();
    const flat = [0, 1, 2, 3, 4].map((i) => marketEvent({ ts: T0 + i * MINUTE, close: 100, high: 100, low: 100 }));
    expect(evaluate(strategy(), flat)).toBeNull();
  });

  it('sends nothing when the position is not a finite number', () => {
    expect(evaluate(strategy(), drop(), Number.NaN)).toBeNull();
  });

  it('does not enter while a position is open', () => {
    expect(evaluate(strategy(), drop(), 0.001, 96)).toBeNull();
  });
});

describe('vwap-reversion exits', () => {
  /** Held long since the drop; the next bars climb back to the VWAP. */
  const recovery = (close: number) => [...drop().slice(1), marketEvent({ ts: T0 + 5 * MINUTE, open: 95, high: close, low: 95, close, volume: 1, bid: close - 0.1, ask: close + 0.1 })];

  it('sells the whole long at the bid once the close is back at the VWAP', () => {
    const s = evaluate(strategy(), recovery(100), 0.002, 95.1)!;
    expect(s.indicators.z).toBeGreaterThanOrEqual(0);
    expect(s).toMatchObject({ intent: 'exit', side: 'sell', quantity: 0.002, limitPrice: 99.9, signalId: 'vwap-reversion:BTC-USD:exit:2018-04-05T00:05:00Z' });
    expect(s.reason).toContain('reverted');
  });

  it('holds while the close is still below the exit band', () => {
    expect(evaluate(strategy(), recovery(96), 0.002, 95.1)).toBeNull();
    expect(evaluate(strategy({ ...SMALL, exit_z: 1 }), recovery(98.5), 0.002, 95.1)?.intent).toBe('exit');
  });

  it('buys back a short at the ask once the close is back at the VWAP', () => {
    const s = evaluate(strategy({ ...SMALL, allow_short: true }), drop(), -0.001, 105)!;
    expect(s).toMatchObject({ intent: 'exit', side: 'buy', quantity: 0.001, limitPrice: 95.1 });
  });
});

describe('vwap-reversion on the shipped Coinbase data', () => {
  const events = mergeMarketEvents(requireClean(loadMarketData(join(ROOT, SHIPPED_REPLAY_DIR), { instrument: SHIPPED_REPLAY_INSTRUMENT })));

  /** Every entry fills at its limit at once and every exit at once: the position the engine would report. */
  function run(): VwapReversionSignal[] {
    const s = strategy({});
    const out: VwapReversionSignal[] = [];
    let quantity = 0;
    let entry = 0;
    for (let i = 0; i < events.length; i++) {
      const signal = evaluate(s, events.slice(Math.max(0, i - 60), i + 1), quantity, entry);
      if (!signal) continue;
      out.push(signal);
      quantity = signal.intent === 'entry' ? signal.quantity : 0;
      entry = signal.intent === 'entry' ? signal.limitPrice! : 0;
    }
    return out;
  }

  it('produces entries and exits with the defaults, long only, each with a positive edge and ordered levels', () => {
    const signals = run();
    const entries = signals.filter((s) => s.intent === 'entry');
    expect(entries.length).toBeGreaterThan(5);
    expect(signals.filter((s) => s.intent === 'exit').length).toBeGreaterThanOrEqual(entries.length - 1);
    for (const s of entries) {
      expect(s.side).toBe('buy');
      expect(s.edgeBps!).toBeGreaterThan(0);
      expect(s.indicators.z).toBeLessThanOrEqual(-2);
      expect(s.suggestedStopPrice!).toBeLessThan(s.limitPrice!);
      expect(s.suggestedTargetPrice!).toBeGreaterThan(s.limitPrice!);
    }
    expect(new Set(signals.map((s) => s.signalId)).size).toBe(signals.length);
  });

  it('gives the same signals on every run', () => {
    expect(run()).toEqual(run());
  });
});
