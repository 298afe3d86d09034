// Tests of funding: which interval boundaries are due, and who pays whom by the sign of the rate.
import { describe, expect, it } from 'vitest';
import { dueFundingTimes, fundingAmountMicros } from '../../../../plugins/venues/paper/funding.ts';

const H8 = 8 * 3_600_000;

describe('dueFundingTimes', () => {
  it('lists the multiples of the interval after the last check, up to and including now', () => {
    expect(dueFundingTimes(H8 - 1, H8, H8)).toEqual([H8]);
    expect(dueFundingTimes(H8, H8, H8)).toEqual([]);
    expect(dueFundingTimes(1, 3 * H8 + 5, H8)).toEqual([H8, 2 * H8, 3 * H8]);
  });
});

describe('fundingAmountMicros', () => {
  it('makes longs pay and shorts receive at a positive rate, the other way round at a negative one', () => {
    expect(fundingAmountMicros(2, 10_000, 0.0001)).toBe(-2_000_000);
    expect(fundingAmountMicros(-2, 10_000, 0.0001)).toBe(2_000_000);
    expect(fundingAmountMicros(2, 10_000, -0.0001)).toBe(2_000_000);
    expect(fundingAmountMicros(0, 10_000, 0.0001)).toBe(0);
  });
});
