// Specs for the replay: trades and quotes merged per minute, a marked synthesized spread where quotes are missing, and pacing on an injected clock.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { TradegateError } from '../../../engine/errors.ts';
import type { Bar, MarketEvent, Quote } from '../../../engine/market/bar.ts';
import { requireClean } from '../../../engine/market/bar-set.ts';
import { loadLeanMinuteDir } from '../../../engine/market/lean-zip.ts';
import { DEFAULT_SYNTH_SPREAD_BPS, mergeMarketEvents, parseSpeed, replay } from '../../../engine/market/replay.ts';
import { advancingSleep } from '../../../engine/market/sleep.ts';

const DIR = resolve(import.meta.dirname, '../../../config/replay/coinbase-btcusd-minute');
const M = 60_000;

function tradeBar(instrument: string, minute: number, close: number): Bar {
  const ts = minute * M;
  return { instrument, ts, periodMs: M, open: close, high: close + 1, low: close - 1, close, volume: 1, sourceTs: ts + M, receiveTs: ts + M };
}

function quoteBar(instrument: string, minute: number, bid: number, ask: number): Quote {
  const ts = minute * M;
  return {
    instrument, ts, periodMs: M,
    bidOpen: bid, bidHigh: bid, bidLow: bid, bidClose: bid, bidSize: 1,
    askOpen: ask, askHigh: ask, askLow: ask, askClose: ask, askSize: 2,
    synthesized: false, sourceTs: ts + M, receiveTs: ts + M,
  };
}

async function collect(it: AsyncIterable<MarketEvent>): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('mergeMarketEvents on the shipped data', () => {
  const events = mergeMarketEvents(requireClean(loadLeanMinuteDir(DIR, 'BTC-USD')));

  it('gives one event per minute that has a trade or a quote, in time order', () => {
    expect(events).toHaveLength(1439 + 1440 + 1440);
    for (let i = 1; i < events.length; i++) expect(events[i]!.endTs).toBeGreaterThan(events[i - 1]!.endTs);
    expect(events.every((e) => e.endTs === e.ts + M)).toBe(true);
  });

  it('synthesizes quotes only for minutes that traded without one: all of 2018-04-06 and six other minutes', () => {
    const synthesized = events.filter((e) => e.quote.synthesized);
    expect(synthesized).toHaveLength(1440 + 6);
    expect(synthesized.every((e) => e.trade !== null)).toBe(true);
    const day0406 = Date.UTC(2018, 3, 6);
    expect(events.filter((e) => e.ts >= day0406).every((e) => e.quote.synthesized)).toBe(true);
  });

  it('keeps the 432 evening minutes of 2018-04-04 that have quotes but no trades, with a null trade', () => {
    const quoteOnly = events.filter((e) => e.trade === null);
    expect(quoteOnly).toHaveLength(432);
    expect(quoteOnly.every((e) => !e.quote.synthesized)).toBe(true);
    expect(new Date(quoteOnly[0]!.ts).toISOString()).toBe('2018-04-04T16:46:00.000Z');
  });

  it('puts a real quote beside the trade of the same minute', () => {
    const first = events[0]!;
    expect(first.trade?.close).toBe(7422);
    expect(first.quote).toMatchObject({ bidClose: 7424.9, askClose: 7424.91, synthesized: false });
  });
});

describe('mergeMarketEvents', () => {
  it('orders by period end, then instrument', () => {
    const events = mergeMarketEvents({
      trades: [tradeBar('ETH-USD', 1, 50), tradeBar('BTC-USD', 1, 100), tradeBar('BTC-USD', 0, 99)],
      quotes: [quoteBar('ETH-USD', 0, 49, 51)],
    });
    expect(events.map((e) => `${e.instrument}@${e.ts / M}`)).toEqual(['BTC-USD@0', 'ETH-USD@0', 'BTC-USD@1', 'ETH-USD@1']);
    expect(events[1]!.trade).toBeNull();
  });

  it('synthesizes the spread it is told to, around every price of the bar, and says so', () => {
    const [e] = mergeMarketEvents({ trades: [tradeBar('BTC-USD', 0, 10_000)], quotes: [] }, { synthSpreadBps: 10 });
    expect(e!.quote.synthesized).toBe(true);
    expect(e!.quote.bidClose).toBeCloseTo(9_995, 8);
    expect(e!.quote.askClose).toBeCloseTo(10_005, 8);
    expect(e!.quote.askHigh).toBeCloseTo(10_001 * 1.0005, 8);
  });

  it('uses a pessimistic default spread', () => {
    const [e] = mergeMarketEvents({ trades: [tradeBar('BTC-USD', 0, 10_000)], quotes: [] });
    expect(((e!.quote.askClose - e!.quote.bidClose) / 10_000) * 10_000).toBeCloseTo(DEFAULT_SYNTH_SPREAD_BPS, 8);
  });

  it('refuses two trade bars for one instrument and minute', () => {
    expect(() => mergeMarketEvents({ trades: [tradeBar('A', 0, 1), tradeBar('A', 0, 2)], quotes: [] })).toThrow(TradegateError);
  });
});

describe('replay pacing', () => {
  const events = mergeMarketEvents({ trades: [0, 1, 2, 5].map((m) => tradeBar('BTC-USD', m, 100 + m)), quotes: [] });

  it("at 'max' never sleeps and stamps the source time as the receive time", async () => {
    const clock = new ManualClock(1_000);
    const sleep = advancingSleep(clock);
    const out = await collect(replay(events, { speed: 'max', clock, sleep }));
    expect(out.map((e) => e.ts / M)).toEqual([0, 1, 2, 5]);
    expect(sleep.calls).toEqual([]);
    expect(out.map((e) => e.receiveTs)).toEqual(out.map((e) => e.sourceTs));
  });

  it('at real time waits one market minute per minute, gaps included', async () => {
    const clock = new ManualClock(1_000);
    const sleep = advancingSleep(clock);
    const out = await collect(replay(events, { speed: 1, clock, sleep }));
    expect(sleep.calls).toEqual([M, M, 3 * M]);
    expect(out.map((e) => e.receiveTs - 1_000)).toEqual([0, M, 2 * M, 5 * M]);
    expect(out.every((e) => e.trade!.receiveTs === e.receiveTs && e.quote.receiveTs === e.receiveTs)).toBe(true);
  });

  it('at 60x waits one second per market minute', async () => {
    const clock = new ManualClock(0);
    const sleep = advancingSleep(clock);
    await collect(replay(events, { speed: 60, clock, sleep }));
    expect(sleep.calls).toEqual([1_000, 1_000, 3_000]);
  });

  it('lets a slow consumer catch up instead of drifting', async () => {
    const clock = new ManualClock(0);
    const sleep = advancingSleep(clock);
    for await (const _ of replay(events, { speed: 60, clock, sleep })) clock.advance(400);
    expect(sleep.calls).toEqual([600, 600, 2_600]);
  });

  it('ends quietly when aborted', async () => {
    const clock = new ManualClock(0);
    const abort = new AbortController();
    const out: MarketEvent[] = [];
    for await (const e of replay(events, { speed: 60, clock, sleep: advancingSleep(clock), signal: abort.signal })) {
      out.push(e);
      if (out.length === 2) abort.abort();
    }
    expect(out).toHaveLength(2);
  });

  it('refuses a speed that is not positive', async () => {
    const clock = new ManualClock(0);
    await expect(collect(replay(events, { speed: 0, clock, sleep: advancingSleep(clock) }))).rejects.toThrow(RangeError);
  });
});

describe('parseSpeed', () => {
  it("reads 'max', 'realtime', 60 and 60x", () => {
    expect(parseSpeed('max')).toBe('max');
    expect(parseSpeed('realtime')).toBe(1);
    expect(parseSpeed('60')).toBe(60);
    expect(parseSpeed('60x')).toBe(60);
    expect(parseSpeed('0.5')).toBe(0.5);
  });

  it('refuses anything else as a usage error', () => {
    for (const bad of ['0', '-1', 'fast', '', '1e3']) {
      expect(() => parseSpeed(bad), bad).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});
