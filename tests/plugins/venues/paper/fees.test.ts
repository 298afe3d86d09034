// Tests of fees: maker and taker rates in bps of notional, a negative maker rate paying a rebate.
import { describe, expect, it } from 'vitest';
import { feeMicros, feeRateBps, worstFeeBps } from '../../../../plugins/venues/paper/fees.ts';

describe('fees', () => {
  const schedule = { makerBps: -2, takerBps: 5 };

  it('picks the rate by liquidity and charges it on the notional, a rebate as a negative fee', () => {
    expect(feeRateBps(schedule, 'taker')).toBe(5);
    expect(feeMicros(1_000_000_000, feeRateBps(schedule, 'taker'))).toBe(500_000);
    expect(feeMicros(1_000_000_000, feeRateBps(schedule, 'maker'))).toBe(-200_000);
  });

  it('reserves for the worst rate an order could pay, never less than zero', () => {
    expect(worstFeeBps(schedule)).toBe(5);
    expect(worstFeeBps({ makerBps: -1, takerBps: 0 })).toBe(0);
  });
});
