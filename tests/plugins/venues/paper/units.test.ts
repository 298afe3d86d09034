// Tests of the venue's number handling: micro-dollars, quantity steps and tick rounding against the taker.
import { describe, expect, it } from 'vitest';
import { floorToStep, isMultipleOf, notionalMicros, roundPriceAgainst, usdToMicros } from '../../../../plugins/venues/paper/units.ts';

describe('units', () => {
  it('keeps cash in whole micro-dollars', () => {
    expect(usdToMicros(0.1 + 0.2)).toBe(300_000);
    expect(notionalMicros(0.1, 6811)).toBe(681_100_000);
  });

  it('checks and floors quantities on their step despite float noise', () => {
    expect(isMultipleOf(0.3, 0.1)).toBe(true);
    expect(isMultipleOf(0.0015, 0.001)).toBe(false);
    expect(floorToStep(1.3333333, 0.001)).toBe(1.333);
    expect(floorToStep(0.3, 0.1)).toBe(0.3);
  });

  it('rounds prices to the tick against the taker', () => {
    expect(roundPriceAgainst('buy', 100.01, 0.5)).toBe(100.5);
    expect(roundPriceAgainst('sell', 100.49, 0.5)).toBe(100);
    expect(roundPriceAgainst('buy', 6800 * 1.0001, 0.01)).toBe(6800.68);
  });
});
