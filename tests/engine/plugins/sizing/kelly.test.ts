// Kelly sizing: hand-computed values for buy_yes and buy_no, the clamp, coded errors, and the log-growth optimum.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../../engine/errors.ts';
import * as pluginApi from '../../../../engine/plugins/plugin-api.ts';
import { binaryKelly, continuousKelly, kellyQuantity } from '../../../../engine/plugins/sizing/kelly.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TradegateError ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

describe('binaryKelly on buy_yes', () => {
  it('stakes (q - p) / (1 - p): YES at 0.40 with a 55% model is a quarter of the bankroll at full Kelly', () => {
    const s = binaryKelly({ side: 'buy_yes', yesPrice: 0.4, yesProbability: 0.55, multiplier: 1, cap: 1 });
    expect(s.costPerContract).toBeCloseTo(0.4, 12);
    expect(s.winProbability).toBeCloseTo(0.55, 12);
    expect(s.edgePerContract).toBeCloseTo(0.15, 12);
    expect(s.fullKelly).toBeCloseTo(0.25, 12);
    expect(s.fraction).toBeCloseTo(0.25, 12);
  });

  it('scales by the multiplier: half Kelly of 0.25 is 0.125', () => {
    expect(binaryKelly({ side: 'buy_yes', yesPrice: 0.4, yesProbability: 0.55, multiplier: 0.5, cap: 1 }).fraction).toBeCloseTo(0.125, 12);
  });

  it('adds the fee to the cost: YES at 0.40 plus 0.02 fee with 55% gives 0.13 / 0.58', () => {
    const s = binaryKelly({ side: 'buy_yes', yesPrice: 0.4, yesProbability: 0.55, multiplier: 1, cap: 1, feePerContract: 0.02 });
    expect(s.costPerContract).toBeCloseTo(0.42, 12);
    expect(s.fullKelly).toBeCloseTo(0.13 / 0.58, 12);
  });

  it('clamps to the cap: YES at 0.10 with 60% wants 0.5556 of the bankroll but the cap is 0.05', () => {
    const s = binaryKelly({ side: 'buy_yes', yesPrice: 0.1, yesProbability: 0.6, multiplier: 1, cap: 0.05 });
    expect(s.fullKelly).toBeCloseTo(0.5 / 0.9, 12);
    expect(s.fraction).toBe(0.05);
  });

  it('stakes nothing when the model is below the price', () => {
    const s = binaryKelly({ side: 'buy_yes', yesPrice: 0.6, yesProbability: 0.5, multiplier: 1, cap: 1 });
    expect(s.fullKelly).toBeCloseTo(-0.25, 12);
    expect(s.fraction).toBe(0);
    expect(Object.is(s.fraction, -0)).toBe(false);
  });
});

describe('binaryKelly on buy_no', () => {
  it('prices NO at 1 - p and wins with 1 - q: YES at 0.70 and a 55% YES model give NO 0.15 / 0.70', () => {
    const s = binaryKelly({ side: 'buy_no', yesPrice: 0.7, yesProbability: 0.55, multiplier: 1, cap: 1 });
    expect(s.costPerContract).toBeCloseTo(0.3, 12);
    expect(s.winProbability).toBeCloseTo(0.45, 12);
    expect(s.edgePerContract).toBeCloseTo(0.15, 12);
    expect(s.fullKelly).toBeCloseTo(0.15 / 0.7, 12);
    expect(binaryKelly({ side: 'buy_no', yesPrice: 0.7, yesProbability: 0.55, multiplier: 0.5, cap: 1 }).fraction).toBeCloseTo(0.075 / 0.7, 12);
  });

  it('sizes the seed-000 case right: NO at 0.70 winning 80% is a third of the bankroll, not 0 and not 0.71', () => {
    // YES at 0.30, model says YES 20%. Mixing up the sides gives (0.2 - 0.3) / 0.7 < 0 (a good bet skipped)
    // or (0.8 - 0.3) / 0.7 = 0.714 (cost taken as the YES price: a bet more than twice too big).
    const s = binaryKelly({ side: 'buy_no', yesPrice: 0.3, yesProbability: 0.2, multiplier: 1, cap: 1 });
    expect(s.fullKelly).toBeCloseTo(1 / 3, 12);
    expect(s.fraction).toBeCloseTo(1 / 3, 12);
  });

  it('stakes nothing on NO when YES is the side with the edge', () => {
    const s = binaryKelly({ side: 'buy_no', yesPrice: 0.4, yesProbability: 0.55, multiplier: 1, cap: 1 });
    expect(s.fullKelly).toBeCloseTo(-0.375, 12);
    expect(s.fraction).toBe(0);
  });

  it('equals buy_yes on the mirrored market (1 - p, 1 - q), for any valid inputs', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, q) => {
          const no = binaryKelly({ side: 'buy_no', yesPrice: p, yesProbability: q, multiplier: 1, cap: 1 });
          const yes = binaryKelly({ side: 'buy_yes', yesPrice: 1 - p, yesProbability: 1 - q, multiplier: 1, cap: 1 });
          expect(no.fullKelly).toBeCloseTo(yes.fullKelly, 9);
        },
      ),
    );
  });
});

describe('binaryKelly for any valid input', () => {
  const arbitraryInput = fc.record({
    side: fc.constantFrom('buy_yes' as const, 'buy_no' as const),
    yesPrice: fc.double({ min: 0.001, max: 0.999, noNaN: true }),
    yesProbability: fc.double({ min: 0, max: 1, noNaN: true }),
    multiplier: fc.double({ min: 0.01, max: 1, noNaN: true }),
    cap: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('returns a fraction in [0, cap], never NaN', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const s = binaryKelly(input);
        expect(Number.isNaN(s.fraction)).toBe(false);
        expect(s.fraction).toBeGreaterThanOrEqual(0);
        expect(s.fraction).toBeLessThanOrEqual(input.cap);
      }),
    );
  });

  it('puts full Kelly at the maximum of expected log growth', () => {
    const growth = (f: number, c: number, w: number) => w * Math.log(1 + (f * (1 - c)) / c) + (1 - w) * Math.log(1 - f);
    // Draw a cost below the win probability, then express it as either side's market.
    const favourable = fc
      .tuple(fc.constantFrom('buy_yes' as const, 'buy_no' as const), fc.double({ min: 0.02, max: 0.97, noNaN: true }), fc.double({ min: 0.01, max: 0.5, noNaN: true }))
      .map(([side, cost, gap]) => {
        const win = Math.min(0.999, cost + gap * (1 - cost));
        return side === 'buy_yes'
          ? { side, yesPrice: cost, yesProbability: win, multiplier: 1, cap: 1 }
          : { side, yesPrice: 1 - cost, yesProbability: 1 - win, multiplier: 1, cap: 1 };
      });
    fc.assert(
      fc.property(favourable, (input) => {
        const s = binaryKelly(input);
        fc.pre(s.fullKelly > 0.02 && s.fullKelly < 0.98);
        const best = growth(s.fullKelly, s.costPerContract, s.winProbability);
        expect(best).toBeGreaterThanOrEqual(growth(s.fullKelly - 0.01, s.costPerContract, s.winProbability));
        expect(best).toBeGreaterThanOrEqual(growth(s.fullKelly + 0.01, s.costPerContract, s.winProbability));
      }),
    );
  });
});

describe('binaryKelly refuses invalid inputs with SIZING_INPUT_INVALID', () => {
  const base = { side: 'buy_yes' as const, yesPrice: 0.4, yesProbability: 0.55, multiplier: 0.5, cap: 0.1 };
  const cases: [string, Record<string, unknown>][] = [
    ['a NaN price', { yesPrice: Number.NaN }],
    ['a price of 0', { yesPrice: 0 }],
    ['a price of 1', { yesPrice: 1 }],
    ['a price as a string', { yesPrice: '0.4' }],
    ['a probability above 1', { yesProbability: 1.2 }],
    ['an infinite probability', { yesProbability: Number.POSITIVE_INFINITY }],
    ['a multiplier of 0', { multiplier: 0 }],
    ['a multiplier above 1', { multiplier: 1.5 }],
    ['a negative cap', { cap: -0.1 }],
    ['a cap above 1', { cap: 1.5 }],
    ['a side that is not a binary buy', { side: 'sell' }],
    ['a negative fee', { feePerContract: -0.01 }],
    ['a fee that eats the whole payout', { yesPrice: 0.9, feePerContract: 0.1 }],
  ];
  for (const [name, patch] of cases) {
    it(`refuses ${name}`, () => {
      expect(codeOf(() => binaryKelly({ ...base, ...patch } as never))).toBe('SIZING_INPUT_INVALID');
    });
  }
  it('refuses a missing input object', () => {
    expect(codeOf(() => binaryKelly(null as never))).toBe('SIZING_INPUT_INVALID');
  });
});

describe('continuousKelly', () => {
  it('stakes expectedReturn / variance: 1% over a variance of 0.04 is 0.25 of the bankroll', () => {
    const s = continuousKelly({ expectedReturn: 0.01, variance: 0.04, multiplier: 1, cap: 1 });
    expect(s.fullKelly).toBeCloseTo(0.25, 12);
    expect(s.fraction).toBeCloseTo(0.25, 12);
    expect(continuousKelly({ expectedReturn: 0.01, variance: 0.04, multiplier: 0.5, cap: 1 }).fraction).toBeCloseTo(0.125, 12);
  });

  it('clamps to the cap, which may exceed 1 for leverage', () => {
    expect(continuousKelly({ expectedReturn: 0.01, variance: 0.04, multiplier: 1, cap: 0.1 }).fraction).toBe(0.1);
    expect(continuousKelly({ expectedReturn: 0.02, variance: 0.01, multiplier: 1, cap: 1.5 }).fraction).toBe(1.5);
  });

  it('stakes nothing on a negative expected return', () => {
    const s = continuousKelly({ expectedReturn: -0.01, variance: 0.04, multiplier: 1, cap: 1 });
    expect(s.fullKelly).toBeCloseTo(-0.25, 12);
    expect(s.fraction).toBe(0);
  });

  it('refuses a zero, negative or NaN variance and a NaN return', () => {
    for (const patch of [{ variance: 0 }, { variance: -1 }, { variance: Number.NaN }, { expectedReturn: Number.NaN }, { variance: 1e-320 }]) {
      expect(codeOf(() => continuousKelly({ expectedReturn: 0.01, variance: 0.04, multiplier: 1, cap: 1, ...patch }))).toBe('SIZING_INPUT_INVALID');
    }
  });
});

describe('kellyQuantity', () => {
  it('turns a stake into units rounded down to the step', () => {
    expect(kellyQuantity(1000, 0.125, 0.4, 1)).toBe(312);
    expect(kellyQuantity(1000, 0.125, 0.4, 0.5)).toBe(312.5);
    expect(kellyQuantity(10_000, 0.001, 6800, 0.0001)).toBe(0.0014);
  });

  it('does not lose a step to float noise (0.3 / 0.1)', () => {
    expect(kellyQuantity(0.3, 1, 1, 0.1)).toBe(0.3);
  });

  it('gives 0 for a zero bankroll or a zero fraction', () => {
    expect(kellyQuantity(0, 0.5, 1, 1)).toBe(0);
    expect(kellyQuantity(100, 0, 1, 1)).toBe(0);
  });

  it('refuses a negative bankroll, a zero cost and a zero step', () => {
    expect(codeOf(() => kellyQuantity(-1, 0.5, 1, 1))).toBe('SIZING_INPUT_INVALID');
    expect(codeOf(() => kellyQuantity(100, 0.5, 0, 1))).toBe('SIZING_INPUT_INVALID');
    expect(codeOf(() => kellyQuantity(100, 0.5, 1, 0))).toBe('SIZING_INPUT_INVALID');
    expect(codeOf(() => kellyQuantity(100, Number.NaN, 1, 1))).toBe('SIZING_INPUT_INVALID');
  });
});

describe('the plugin API', () => {
  it('hands the Kelly helpers to plugins, which may import nothing else of the engine', () => {
    expect(pluginApi.binaryKelly).toBe(binaryKelly);
    expect(pluginApi.continuousKelly).toBe(continuousKelly);
    expect(pluginApi.kellyQuantity).toBe(kellyQuantity);
  });
});
