// Specs for message field checks: what makes a message unusable (dropped) and what only lowers its quality.
import { describe, expect, it } from 'vitest';
import { fieldCheck, priceOf } from '../../../engine/market/feed-message.ts';

describe('fieldCheck', () => {
  it('passes a complete trade, quote and bar', () => {
    expect(fieldCheck({ kind: 'trade', instrument: 'A', price: 1, size: 2, sourceTs: 3 })).toEqual({ unusable: [], missing: [] });
    expect(fieldCheck({ kind: 'quote', instrument: 'A', bid: 1, ask: 2, sourceTs: 3 })).toEqual({ unusable: [], missing: [] });
    const bar = { ts: 0, periodMs: 60_000, open: 1, high: 2, low: 1, close: 2, volume: 5 };
    expect(fieldCheck({ kind: 'bar', instrument: 'A', bar, sourceTs: 3 })).toEqual({ unusable: [], missing: [] });
  });

  it('calls a trade without a price, a quote without a side or crossed, and a bad bar unusable', () => {
    expect(fieldCheck({ kind: 'trade', instrument: 'A', size: 1, sourceTs: 1 }).unusable).toEqual(['price']);
    expect(fieldCheck({ kind: 'trade', instrument: 'A', price: Number.NaN, sourceTs: 1 }).unusable).toEqual(['price']);
    expect(fieldCheck({ kind: 'quote', instrument: 'A', bid: 1, sourceTs: 1 }).unusable).toEqual(['ask']);
    expect(fieldCheck({ kind: 'quote', instrument: 'A', bid: 3, ask: 2, sourceTs: 1 }).unusable).toEqual(['bid<=ask']);
    const bad = { ts: 0, periodMs: 60_000, open: 1, high: 1, low: 2, close: 1, volume: 1 };
    expect(fieldCheck({ kind: 'bar', instrument: 'A', bar: bad, sourceTs: 1 }).unusable).toEqual(['bar']);
    expect(fieldCheck({ kind: 'trade', instrument: '', price: 1, size: 1, sourceTs: 1 }).unusable).toEqual(['instrument']);
  });

  it('counts a missing source time or trade size as missing, not unusable', () => {
    expect(fieldCheck({ kind: 'trade', instrument: 'A', price: 1 })).toEqual({ unusable: [], missing: ['size', 'sourceTs'] });
  });
});

describe('priceOf', () => {
  it('is the trade price, the mid, or the bar close', () => {
    expect(priceOf({ kind: 'trade', instrument: 'A', price: 5 })).toBe(5);
    expect(priceOf({ kind: 'quote', instrument: 'A', bid: 4, ask: 6 })).toBe(5);
    expect(priceOf({ kind: 'bar', instrument: 'A', bar: { ts: 0, periodMs: 1, open: 1, high: 9, low: 1, close: 7, volume: 0 } })).toBe(7);
    expect(priceOf({ kind: 'heartbeat', instrument: '' })).toBeUndefined();
  });
});
