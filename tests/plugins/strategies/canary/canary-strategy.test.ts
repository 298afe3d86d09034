// The canary: one entry id per UTC window, the side the book favours, a marketable limit at the touch, out at window end.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireClean } from '../../../../engine/market/bar-set.ts';
import { SHIPPED_REPLAY_DIR, SHIPPED_REPLAY_INSTRUMENT, loadMarketData } from '../../../../engine/market/load-market-data.ts';
import { mergeMarketEvents } from '../../../../engine/market/replay.ts';
import type { MarketEvent, Signal, Strategy } from '../../../../engine/plugins/plugin-api.ts';
import type { CanaryConfig } from '../../../../plugins/strategies/canary/canary-config.ts';
import manifest from '../../../../plugins/strategies/canary/index.ts';
import { type EventSpec, MINUTE, T0, contextAt, marketEvent, pluginContext, recordingLogger } from '../market-event-fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const WINDOW = 15 * MINUTE;

function canary(config: CanaryConfig = {}, logger = recordingLogger()): Strategy {
  return manifest.create(pluginContext(config, logger)) as Strategy;
}

/** Minute events from `fromMin` to `toMin` (minutes after T0), all with the same book unless `spec` says otherwise. */
function minutes(fromMin: number, toMin: number, spec: (m: number) => Partial<EventSpec> = () => ({})): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let m = fromMin; m <= toMin; m++) out.push(marketEvent({ ts: T0 + m * MINUTE, close: 6800, bid: 6799.5, ask: 6800.5, bidSize: 10, askSize: 2, ...spec(m) }));
  return out;
}

/** Evaluates every event in turn; `quantityAt` gives the position the engine reports at each step. */
function drive(strategy: Strategy, events: readonly MarketEvent[], quantityAt: (i: number, signals: Signal[]) => number = () => 0): { i: number; signal: Signal }[] {
  const out: { i: number; signal: Signal }[] = [];
  const signals: Signal[] = [];
  for (let i = 0; i < events.length; i++) {
    const signal = strategy.evaluate(contextAt(events.slice(0, i + 1), quantityAt(i, signals)));
    if (signal) {
      out.push({ i, signal });
      signals.push(signal);
    }
  }
  return out;
}

describe('canary windows', () => {
  it('sends one entry id per UTC window while flat, inside the window, and a new id in the next window', () => {
    const events = minutes(-6, 30);
    const entries = drive(canary(), events).map((x) => x.signal).filter((s) => s.intent === 'entry');
    const ids = [...new Set(entries.map((s) => s.signalId))];
    expect(ids).toEqual(['canary:BTC-USD:2018-04-05T00:00:00Z:entry', 'canary:BTC-USD:2018-04-05T00:15:00Z:entry', 'canary:BTC-USD:2018-04-05T00:30:00Z:entry']);
    for (const s of entries) {
      expect(s.windowEndMs! - s.windowStartMs!).toBe(WINDOW);
      expect(s.windowStartMs! % WINDOW).toBe(0);
    }
  });

  it('never enters into a future window, nor in the last minute before the window closes', () => {
    const events = minutes(-6, 30);
    for (const { i, signal } of drive(canary(), events)) {
      const now = events[i]!.endTs;
      expect(signal.windowStartMs!).toBeLessThanOrEqual(now);
      expect(now).toBeLessThan(signal.windowEndMs! - 60_000);
    }
  });

  it('honours entry_delay_seconds: seed 001 entered at T-60s', () => {
    const events = minutes(-6, 15);
    const entries = drive(canary({ entry_delay_seconds: 14 * 60, entry_cutoff_seconds: 0 }), events).filter((x) => x.signal.intent === 'entry');
    expect(entries.map((x) => events[x.i]!.endTs - T0)).toEqual([14 * MINUTE]);
  });

  it('does not enter a second time in a window whose position was already closed (a stop-out)', () => {
    const events = minutes(-6, 16);
    // Filled at 00:02, stopped out by the rules at 00:06: flat again inside the same window.
    const held = (i: number) => (events[i]!.endTs >= T0 + 2 * MINUTE && events[i]!.endTs < T0 + 6 * MINUTE ? 0.001 : 0);
    const signals = drive(canary(), events, held);
    const entries = signals.filter((x) => x.signal.intent === 'entry');
    // Flat at 00:00 and 00:01 (not filled yet: the same id again), nothing from 00:06 to 00:14, then the next window.
    expect(entries.map((x) => events[x.i]!.endTs - T0)).toEqual([0, MINUTE, 15 * MINUTE, 16 * MINUTE, 17 * MINUTE]);
    expect(new Set(entries.map((x) => x.signal.signalId)).size).toBe(2);
    expect(signals.filter((x) => x.signal.intent === 'exit')).toEqual([]);
  });

  it('asks to exit at the window close, the whole position at the bid, and retries on the next bar under a new id', () => {
    const events = minutes(-6, 15);
    const held = (i: number) => (events[i]!.endTs >= T0 + 2 * MINUTE ? 0.003 : 0);
    const exits = drive(canary(), events, held).filter((x) => x.signal.intent === 'exit');
    expect(exits.map((x) => events[x.i]!.endTs - T0)).toEqual([15 * MINUTE, 16 * MINUTE]);
    expect(exits[0]!.signal).toMatchObject({
      side: 'sell',
      quantity: 0.003,
      orderType: 'limit',
      limitPrice: 6799.5,
      windowStartMs: T0,
      windowEndMs: T0 + WINDOW,
      signalId: 'canary:BTC-USD:2018-04-05T00:00:00Z:exit:2018-04-05T00:14:00Z',
    });
    expect(exits[1]!.signal.signalId).toBe('canary:BTC-USD:2018-04-05T00:00:00Z:exit:2018-04-05T00:15:00Z');
  });

  it('closes a short with a buy at the ask', () => {
    const events = minutes(-6, 15);
    const exits = drive(canary({ allow_short: true }), events, (i) => (i >= 8 ? -0.001 : 0)).filter((x) => x.signal.intent === 'exit');
    expect(exits[0]!.signal).toMatchObject({ side: 'buy', quantity: 0.001, limitPrice: 6800.5 });
  });

  it('closes a position it did not see opening (after a restart) by the end of the current window', () => {
    const events = minutes(3, 14);
    const signals = drive(canary(), events, () => 0.001);
    expect(signals.map((x) => events[x.i]!.endTs - T0)).toEqual([15 * MINUTE]);
    expect(signals[0]!.signal.intent).toBe('exit');
  });

  it('waits for warmup bars before its first entry, but never before an exit', () => {
    const strategy = canary({ momentum_bars: 5 });
    expect(strategy.warmupBars).toBe(6);
    const short = minutes(0, 4);
    expect(strategy.evaluate(contextAt(short))).toBeNull();
    expect(strategy.evaluate(contextAt(minutes(0, 5)))?.intent).toBe('entry');
    const late = minutes(15, 15);
    expect(canary().evaluate(contextAt(late, 0.001))).toBeNull(); // adopted into this window: not yet over
  });
});

describe('canary fails closed', () => {
  it('sends nothing when the time or the position is not a finite number', () => {
    const events = minutes(-6, 15);
    const ctx = contextAt(events);
    expect(canary().evaluate({ ...ctx, now: Number.NaN })).toBeNull();
    expect(canary().evaluate(contextAt(events, Number.NaN))).toBeNull();
  });
});

describe('canary side', () => {
  const at = (spec: (m: number) => Partial<EventSpec>, config: CanaryConfig = {}, logger = recordingLogger()) =>
    canary(config, logger).evaluate(contextAt(minutes(-6, 0, spec)));

  it('buys at the ask when more size waits on the bid', () => {
    expect(at(() => ({ bidSize: 10, askSize: 2 }))).toMatchObject({ side: 'buy', limitPrice: 6800.5, orderType: 'limit', quantity: 0.001 });
  });

  it('sells at the bid when the ask side is heavier and shorts are allowed', () => {
    expect(at(() => ({ bidSize: 2, askSize: 10 }), { allow_short: true })).toMatchObject({ side: 'sell', limitPrice: 6799.5 });
  });

  it('with shorts off, buys anyway by default and says the book leaned the other way', () => {
    const s = at(() => ({ bidSize: 2, askSize: 10 }));
    expect(s?.side).toBe('buy');
    expect(s?.reason).toContain('book favours sell');
  });

  it('with shorts off and skip_window, sits the window out and logs it once', () => {
    const logger = recordingLogger();
    const strategy = canary({ long_only_sell_lean: 'skip_window' }, logger);
    const events = minutes(-6, 3, () => ({ bidSize: 2, askSize: 10 }));
    expect(drive(strategy, events)).toEqual([]);
    expect(logger.lines.filter((l) => l.obj['event'] === 'canary.window_skipped')).toHaveLength(1);
  });

  it('follows momentum when the book is balanced or has no sizes', () => {
    const rising = (m: number) => ({ close: 6800 + m, bid: 6799.5 + m, ask: 6800.5 + m });
    const falling = (m: number) => ({ close: 6800 - m, bid: 6799.5 - m, ask: 6800.5 - m });
    expect(at((m) => ({ ...rising(m), bidSize: 5, askSize: 5 }))?.side).toBe('buy');
    expect(at((m) => ({ ...falling(m), bidSize: 5, askSize: 5 }), { allow_short: true })?.side).toBe('sell');
    expect(at((m) => ({ ...falling(m), synthesized: true }), { allow_short: true })?.reason).toContain('no book sizes');
  });

  it('buys when neither the book nor momentum leans', () => {
    expect(at(() => ({ bidSize: 5, askSize: 5 }), { allow_short: true })?.side).toBe('buy');
  });

  it('puts the limit limit_offset_bps past the touch', () => {
    expect(at(() => ({}), { limit_offset_bps: 10 })?.limitPrice).toBeCloseTo(6800.5 * 1.001, 6);
  });

  it('carries the configured size, time to live and declared edge', () => {
    expect(at(() => ({}), { quantity: 0.002, order_ttl_seconds: 30, declared_edge_bps: 7 })).toMatchObject({ quantity: 0.002, ttlMs: 30_000, edgeBps: 7 });
  });
});

describe('canary on a binary market', () => {
  const binary = (bid: number, ask: number, sizes: Partial<EventSpec> = {}) => minutes(-6, 0, () => ({ close: (bid + ask) / 2, bid, ask, ...sizes }));

  it('buys YES at the YES ask when YES is priced above 0.50', () => {
    expect(canary({ market: 'binary' }).evaluate(contextAt(binary(0.6, 0.62)))).toMatchObject({ side: 'buy_yes', limitPrice: 0.62 });
  });

  it('buys NO at 1 - YES bid when YES is priced below 0.50', () => {
    expect(canary({ market: 'binary' }).evaluate(contextAt(binary(0.36, 0.38)))).toMatchObject({ side: 'buy_no', limitPrice: 0.64 });
  });

  it('breaks a 0.50 tie with the book', () => {
    expect(canary({ market: 'binary' }).evaluate(contextAt(binary(0.49, 0.51, { bidSize: 1, askSize: 9 })))?.side).toBe('buy_no');
    expect(canary({ market: 'binary' }).evaluate(contextAt(binary(0.49, 0.51, { bidSize: 9, askSize: 1 })))?.side).toBe('buy_yes');
  });

  it('holds to settlement: no exit signal after the window ends', () => {
    const events = minutes(-6, 20, () => ({ close: 0.61, bid: 0.6, ask: 0.62 }));
    const signals = drive(canary({ market: 'binary' }), events, (i) => (i >= 8 ? 10 : 0));
    expect(signals.filter((x) => x.signal.intent === 'exit')).toEqual([]);
  });

  it('refuses a quote outside (0, 1) and warns', () => {
    const logger = recordingLogger();
    expect(canary({ market: 'binary' }, logger).evaluate(contextAt(binary(0.99, 1.01)))).toBeNull();
    expect(logger.lines.some((l) => l.level === 'warn' && l.obj['event'] === 'canary.binary_quote_invalid')).toBe(true);
  });
});

describe('canary on the shipped Coinbase data', () => {
  const events = mergeMarketEvents(requireClean(loadMarketData(join(ROOT, SHIPPED_REPLAY_DIR), { instrument: SHIPPED_REPLAY_INSTRUMENT })));

  /** Fills every entry at once and every exit at once: the position the engine would report. */
  function simulate(strategy: Strategy): Signal[] {
    let quantity = 0;
    const signals: Signal[] = [];
    for (let i = 0; i < events.length; i++) {
      const signal = strategy.evaluate(contextAt(events.slice(Math.max(0, i - 50), i + 1), quantity));
      if (!signal) continue;
      signals.push(signal);
      quantity = signal.intent === 'entry' ? (signal.side === 'buy' ? signal.quantity : -signal.quantity) : 0;
    }
    return signals;
  }

  it('trades every 15-minute window once and closes each at its end, the same way on every run', () => {
    const first = simulate(canary());
    const entries = first.filter((s) => s.intent === 'entry');
    const windows = new Set(events.map((e) => Math.floor(e.endTs / WINDOW)));
    // The first window is spent warming up; every other window that has data gets exactly one entry.
    expect(new Set(entries.map((s) => s.signalId)).size).toBe(entries.length);
    expect(entries.length).toBeGreaterThanOrEqual(windows.size - 2);
    for (const exit of first.filter((s) => s.intent === 'exit')) expect(exit.signalId).toContain(':exit:');
    expect(simulate(canary())).toEqual(first);
  });
});
