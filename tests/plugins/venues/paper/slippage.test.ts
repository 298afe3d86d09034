// Tests of the slippage model: base plus size-dependent bps, applied against the taker and rounded to the tick against it.
import { describe, expect, it } from 'vitest';
import { slippageBps, slippedPrice } from '../../../../plugins/venues/paper/slippage.ts';

describe('slippage', () => {
  it('adds bps per 10,000 USD of notional to the base', () => {
    expect(slippageBps({ baseBps: 2, bpsPer10kUsd: 4 }, 25_000)).toBe(12);
    expect(slippageBps({ baseBps: 2, bpsPer10kUsd: 0 }, 1e9)).toBe(2);
  });

  it('moves a buy up and a sell down, rounding to the tick against the taker', () => {
    const model = { baseBps: 10, bpsPer10kUsd: 0 };
    expect(slippedPrice(model, 'buy', 100, 1, 0.05)).toBe(100.1);
    expect(slippedPrice(model, 'sell', 100, 1, 0.05)).toBe(99.9);
    expect(slippedPrice(model, 'buy', 100.02, 1, 0.05)).toBe(100.15);
    expect(slippedPrice(model, 'sell', 100.02, 1, 0.05)).toBe(99.9);
  });

  it('leaves a price already on the tick alone when there is no slippage', () => {
    expect(slippedPrice({ baseBps: 0, bpsPer10kUsd: 0 }, 'buy', 6800.68, 1, 0.01)).toBe(6800.68);
    expect(slippedPrice({ baseBps: 0, bpsPer10kUsd: 0 }, 'sell', 0.3, 1, 0.1)).toBe(0.3);
  });
});
