// Specs of fixed-point money and quantities: exact conversion, half-away rounding, exact proportional splits, range checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import { e8ToQty, microsToUsd, mulDiv, notionalMicros, qtyToE8, usdToMicros } from '../../../engine/ledger/money.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TradegateError ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

describe('money', () => {
  it('converts decimal USD and quantities to integers without float residue', () => {
    expect(usdToMicros(0.1)).toBe(100_000);
    expect(usdToMicros(0.1 + 0.2)).toBe(300_000);
    expect(usdToMicros(-12.345678)).toBe(-12_345_678);
    expect(qtyToE8(0.1)).toBe(10_000_000);
    expect(qtyToE8(0.15)).toBe(15_000_000);
    expect(microsToUsd(250_000_000)).toBe(250);
    expect(e8ToQty(5_000_000)).toBe(0.05);
  });

  it('rounds half away from zero, symmetrically for negative amounts', () => {
    expect(usdToMicros(0.0000005)).toBe(1);
    expect(usdToMicros(-0.0000005)).toBe(-1);
    expect(usdToMicros(0.0000004)).toBe(0);
    expect(Object.is(usdToMicros(-0.0000004), 0)).toBe(true);
  });

  it('computes a notional once per fill: 0.1 x 30,000 is exactly 3,000 USD', () => {
    expect(notionalMicros(qtyToE8(0.1), 30_000)).toBe(3_000_000_000);
    expect(notionalMicros(qtyToE8(100), 0.53)).toBe(53_000_000);
    expect(notionalMicros(qtyToE8(3), 0)).toBe(0);
  });

  it('splits exactly with mulDiv even where the product exceeds 2^53', () => {
    expect(mulDiv(4_800_000_000, 10_000_000, 15_000_000)).toBe(3_200_000_000);
    expect(mulDiv(1, 1, 2)).toBe(1);
    expect(mulDiv(-1, 1, 2)).toBe(-1);
    expect(mulDiv(9_000_000_000_000_000, 3, 9)).toBe(3_000_000_000_000_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 1e9 }), (total, parts) => {
        const part = Math.floor(parts / 2);
        const a = mulDiv(total, part, parts);
        const b = mulDiv(total, parts - part, parts);
        expect(Math.abs(a + b - total)).toBeLessThanOrEqual(1);
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('refuses NaN, Infinity and values beyond exact integer range with LEDGER_INVALID_AMOUNT', () => {
    expect(codeOf(() => usdToMicros(Number.NaN))).toBe('LEDGER_INVALID_AMOUNT');
    expect(codeOf(() => usdToMicros(Number.POSITIVE_INFINITY))).toBe('LEDGER_INVALID_AMOUNT');
    expect(codeOf(() => usdToMicros(1e13))).toBe('LEDGER_INVALID_AMOUNT');
    expect(codeOf(() => qtyToE8(1e9))).toBe('LEDGER_INVALID_AMOUNT');
    expect(codeOf(() => notionalMicros(100, -1))).toBe('LEDGER_INVALID_AMOUNT');
    expect(codeOf(() => notionalMicros(100, Number.NaN))).toBe('LEDGER_INVALID_AMOUNT');
    expect(codeOf(() => mulDiv(1, 1, 0))).toBe('LEDGER_INVALID_AMOUNT');
  });

  it('converts large quantities and amounts exactly, as their decimal form reads (no float product one unit off)', () => {
    // 81,414,476.49 units is about 800 USD of a meme coin: a float product x 1e8 booked 8141447648999999.
    expect(qtyToE8(81_414_476.49)).toBe(8_141_447_649_000_000);
    expect(e8ToQty(qtyToE8(81_414_476.49))).toBe(81_414_476.49);
    expect(usdToMicros(8_831_306_804.11)).toBe(8_831_306_804_110_000);
    expect(notionalMicros(7_135_281_625, 699_230)).toBe(49_892_029_706_488);
  });

  it('rounds a decimal tie half away from zero even where binary puts it just below .5', () => {
    expect(usdToMicros(32.3933275)).toBe(32_393_328);
    expect(usdToMicros(-32.3933275)).toBe(-32_393_328);
    expect(qtyToE8(5e-9)).toBe(1);
    expect(Object.is(qtyToE8(-0), 0)).toBe(true);
    expect(codeOf(() => usdToMicros(1e21))).toBe('LEDGER_INVALID_AMOUNT');
    expect(codeOf(() => notionalMicros(0.5, 1))).toBe('LEDGER_INVALID_AMOUNT');
  });
});
