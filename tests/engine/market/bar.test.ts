// Specs for bar invariants and the synthesized spread: impossible prices are named, and a made-up quote straddles the trade bar.
import { describe, expect, it } from 'vitest';
import { type Bar, barDefect, ohlcDefect, quoteDefect, synthesizeQuote } from '../../../engine/market/bar.ts';

const bar: Bar = { instrument: 'BTC-USD', ts: 0, periodMs: 60_000, open: 100, high: 110, low: 90, close: 105, volume: 3, sourceTs: 60_000, receiveTs: 60_001 };

describe('ohlcDefect and barDefect', () => {
  it('accepts a real bar, including a flat one with zero volume', () => {
    expect(barDefect(bar)).toBeNull();
    expect(barDefect({ open: 1, high: 1, low: 1, close: 1, volume: 0 })).toBeNull();
  });

  it('names what is impossible', () => {
    expect(ohlcDefect(100, 90, 95, 92)).toMatch(/high 90 is below low 95/);
    expect(ohlcDefect(100, 99, 90, 95)).toMatch(/high 99 is below open 100/);
    expect(ohlcDefect(100, 110, 101, 105)).toMatch(/low 101 is above open 100/);
    expect(ohlcDefect(0, 1, 0, 1)).toMatch(/open must be > 0/);
    expect(ohlcDefect(Number.NaN, 1, 1, 1)).toMatch(/open is not a finite number/);
    expect(barDefect({ ...bar, volume: -1 })).toMatch(/volume/);
    expect(barDefect({ ...bar, volume: Number.POSITIVE_INFINITY })).toMatch(/volume/);
  });
});

describe('quoteDefect', () => {
  const q = { bidOpen: 9, bidHigh: 9, bidLow: 9, bidClose: 9, askOpen: 10, askHigh: 10, askLow: 10, askClose: 10 };

  it('accepts a normal and a locked book, refuses a crossed one and negative sizes', () => {
    expect(quoteDefect(q)).toBeNull();
    expect(quoteDefect({ ...q, askOpen: 9, askHigh: 9, askLow: 9, askClose: 9 })).toBeNull();
    expect(quoteDefect({ ...q, bidClose: 11, bidHigh: 11 })).toMatch(/crossed book/);
    expect(quoteDefect({ ...q, bidSize: -2 })).toMatch(/bid size/);
    expect(quoteDefect({ ...q, askLow: 11 })).toMatch(/^ask: high 10 is below low 11/);
  });
});

describe('synthesizeQuote', () => {
  it('puts half the spread below and above every price and marks the quote synthesized', () => {
    const q = synthesizeQuote(bar, 20);
    expect(q.synthesized).toBe(true);
    expect(q.bidClose).toBeCloseTo(105 * 0.999, 10);
    expect(q.askClose).toBeCloseTo(105 * 1.001, 10);
    expect(q.bidHigh).toBeCloseTo(110 * 0.999, 10);
    expect(q.askLow).toBeCloseTo(90 * 1.001, 10);
    expect(((q.askClose - q.bidClose) / 105) * 10_000).toBeCloseTo(20, 10);
    expect(q).toMatchObject({ instrument: 'BTC-USD', ts: 0, periodMs: 60_000, sourceTs: 60_000, receiveTs: 60_001 });
    expect(q.bidSize).toBeUndefined();
    expect(quoteDefect(q)).toBeNull();
  });

  it('refuses a negative or non-finite spread', () => {
    expect(() => synthesizeQuote(bar, -1)).toThrow(RangeError);
    expect(() => synthesizeQuote(bar, Number.NaN)).toThrow(RangeError);
  });
});
