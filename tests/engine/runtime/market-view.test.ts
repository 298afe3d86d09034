// Specs for the session's market view: feed age against the session clock, stale and never-seen instruments, market input, marks, history.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { MarketView } from '../../../engine/runtime/market-view.ts';
import { MINUTE, marketEvent, T0 } from '../../plugins/strategies/market-event-fixtures.ts';

function view(clock: ManualClock, historyBars = 10) {
  return new MarketView({ clock, staleAfterMs: 120_000, volatileReturnBps: 50, historyBars });
}

function feed(v: MarketView, clock: ManualClock, i: number, instrument = 'BTC-USD', close = 100) {
  const e = marketEvent({ ts: T0 + i * MINUTE, instrument, close });
  clock.set(e.endTs);
  v.observe(e);
  return e;
}

describe('MarketView', () => {
  it('measures feed age against the session clock and reports an instrument stale past the limit', () => {
    const clock = new ManualClock(T0);
    const v = view(clock);
    feed(v, clock, 0);
    expect(v.feed('BTC-USD')).toEqual({ age_ms: 0, stale: false, gap_open: false });
    clock.advance(120_000);
    expect(v.feed('BTC-USD')).toMatchObject({ age_ms: 120_000, stale: false });
    clock.advance(1);
    expect(v.feed('BTC-USD')).toMatchObject({ age_ms: 120_001, stale: true });
  });

  it('gives an instrument never seen no age and calls it stale, so rules reading the feed fail closed', () => {
    const v = view(new ManualClock(T0));
    const f = v.feed('ETH-USD');
    expect(Number.isNaN(f.age_ms)).toBe(true);
    expect(f.stale).toBe(true);
    expect(v.input('ETH-USD')).toBeUndefined();
    expect(v.mark('ETH-USD', 'outright')).toBeUndefined();
  });

  it('keeps one instrument fresh while another goes quiet', () => {
    const clock = new ManualClock(T0);
    const v = view(clock);
    feed(v, clock, 0, 'ETH-USD');
    for (let i = 1; i <= 5; i++) feed(v, clock, i, 'BTC-USD');
    expect(v.feed('BTC-USD').stale).toBe(false);
    expect(v.feed('ETH-USD')).toMatchObject({ age_ms: 5 * MINUTE, stale: true });
  });

  it('gives the touch, last price and data quality at once, and the regime once enough bars are in', () => {
    const clock = new ManualClock(T0);
    const v = view(clock);
    feed(v, clock, 0);
    expect(v.input('BTC-USD')).toEqual({ bid: 99.5, ask: 100.5, lastPrice: 100, dataQualityScore: 1 });
    for (let i = 1; i <= 90; i++) feed(v, clock, i, 'BTC-USD', 100 + (i % 3) * 0.01);
    expect(v.input('BTC-USD')).toMatchObject({ regime: 'normal', dataQualityScore: 1 });
    expect(v.input('BTC-USD')!.adx).toBeGreaterThanOrEqual(0);
  });

  it('marks at the mid, a binary NO leg at one minus it', () => {
    const clock = new ManualClock(T0);
    const v = view(clock);
    clock.set(T0 + MINUTE);
    v.observe(marketEvent({ ts: T0, instrument: 'WIN', trade: false, bid: 0.6, ask: 0.62 }));
    expect(v.mark('WIN', 'yes')).toBeCloseTo(0.61, 10);
    expect(v.mark('WIN', 'no')).toBeCloseTo(0.39, 10);
  });

  it('keeps a bounded history ending with the latest bar, and counts every bar seen', () => {
    const clock = new ManualClock(T0);
    const v = view(clock, 100);
    for (let i = 0; i < 500; i++) feed(v, clock, i, 'BTC-USD', 100 + i);
    const h = v.history('BTC-USD');
    expect(h.length).toBeGreaterThanOrEqual(100);
    expect(h.length).toBeLessThanOrEqual(200);
    expect(h[h.length - 1]!.trade!.close).toBe(599);
    expect(h.every((e, i) => i === 0 || e.ts === h[i - 1]!.ts + MINUTE)).toBe(true);
    expect(v.bars('BTC-USD')).toBe(500);
  });
});
