// Specs of the market facts: the expected execution price, drift since the signal, edge left after the move, slippage past the touch.
import { describe, expect, it } from 'vitest';
import { expectedExecutionPrice, marketFacts } from '../../../engine/orders/market-facts.ts';

const book = { bid: 99.9, ask: 100.1 };
const opts = { marketSlippageBps: 10 };

describe('expectedExecutionPrice', () => {
  it('takes the touch for market orders and crossing limits, and the limit for a resting one', () => {
    expect(expectedExecutionPrice({ side: 'buy', orderType: 'market' }, undefined, book)).toBe(100.1);
    expect(expectedExecutionPrice({ side: 'sell', orderType: 'market' }, undefined, book)).toBe(99.9);
    expect(expectedExecutionPrice({ side: 'buy', orderType: 'limit' }, 101, book)).toBe(100.1);
    expect(expectedExecutionPrice({ side: 'buy', orderType: 'limit' }, 99, book)).toBe(99);
    expect(expectedExecutionPrice({ side: 'sell', orderType: 'limit' }, 99, book)).toBe(99.9);
    expect(expectedExecutionPrice({ side: 'sell_no', orderType: 'limit' }, 100.5, book)).toBe(100.5);
  });
});

describe('marketFacts', () => {
  it('measures drift from the signal price and takes the adverse part off the edge', () => {
    const { facts, executionPrice } = marketFacts({ side: 'buy', orderType: 'market', edgeBps: 40 }, undefined, { ...book, signalPrice: 100 }, opts);
    expect(executionPrice).toBe(100.1);
    expect(facts['drift_bps']).toBeCloseTo(10, 9);
    expect(facts['edge_bps']).toBeCloseTo(30, 9);
    expect(facts['mid']).toBe(100);
    expect(facts['spread_bps']).toBeCloseTo(20, 9);
    expect(facts['slippage_bps']).toBe(10);
  });

  it('gives back edge when the price moved in the order\u2019s favour (drift is still reported)', () => {
    const { facts } = marketFacts({ side: 'sell', orderType: 'market', edgeBps: 40 }, undefined, { ...book, signalPrice: 99.8 }, opts);
    expect(facts['drift_bps']).toBeGreaterThan(0);
    expect(facts['edge_bps'] as number).toBeGreaterThan(40);
  });

  it('counts a limit past the touch as slippage it allows, and a resting limit as none', () => {
    expect(marketFacts({ side: 'buy', orderType: 'limit' }, 100.2, book, opts).facts['slippage_bps']).toBeCloseTo((0.1 / 100.1) * 10_000, 9);
    expect(marketFacts({ side: 'buy', orderType: 'limit' }, 99, book, opts).facts['slippage_bps']).toBe(0);
  });

  it('leaves what it cannot know unusable: no edge without one from the signal, NaN drift without a signal price', () => {
    const { facts } = marketFacts({ side: 'buy', orderType: 'market' }, undefined, book, opts);
    expect('edge_bps' in facts).toBe(false);
    expect(facts['drift_bps']).toBeNaN();
    expect('regime' in facts).toBe(false);
    expect(marketFacts({ side: 'buy', orderType: 'market' }, undefined, { ...book, regime: 'normal', dataQualityScore: 1, adx: 9 }, opts).facts).toMatchObject({ regime: 'normal', data_quality_score: 1, adx: 9 });
  });
});

describe('marketFacts on the NO leg of a binary market', () => {
  // The instrument's quote is the YES book (as MarketView gives it); a NO contract is bid at 1 - YES ask and offered at 1 - YES bid.
  const yes = { bid: 0.3, ask: 0.32 };

  it('prices a buy_no against the NO offer (1 - YES bid), not the YES ask', () => {
    const { facts, executionPrice } = marketFacts({ side: 'buy_no', orderType: 'limit' }, 0.71, yes, opts);
    expect(executionPrice).toBeCloseTo(0.7, 12);
    expect(facts['bid']).toBeCloseTo(0.68, 12);
    expect(facts['ask']).toBeCloseTo(0.7, 12);
    expect(facts['mid']).toBeCloseTo(0.69, 12);
    expect(facts['drift_bps']).toBeCloseTo((0.01 / 0.71) * 10_000, 6);
    expect(facts['slippage_bps']).toBeCloseTo((0.01 / 0.7) * 10_000, 6);
  });

  it('prices a sell_no against the NO bid (1 - YES ask), and a market buy_no at the NO offer', () => {
    expect(marketFacts({ side: 'sell_no', orderType: 'limit' }, 0.6, yes, opts).executionPrice).toBeCloseTo(0.68, 12);
    expect(marketFacts({ side: 'buy_no', orderType: 'market' }, undefined, { ...yes, signalPrice: 0.7 }, opts).executionPrice).toBeCloseTo(0.7, 12);
  });

  it('leaves the YES leg priced on the quote as given', () => {
    expect(marketFacts({ side: 'buy_yes', orderType: 'limit' }, 0.33, yes, opts).executionPrice).toBe(0.32);
  });
});
