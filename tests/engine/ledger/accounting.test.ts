// Specs of the pure accounting rules: FIFO realized PnL, shorts and flips, fees, funding signs, binary settlement, conservation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BinaryOutcome,
  feeMovement,
  fundingMicros,
  lotsAfter,
  type OpenLot,
  planFill,
  planSettlement,
  positionOfLots,
  settlementPrice,
} from '../../../engine/ledger/accounting.ts';
import { TradegateError } from '../../../engine/errors.ts';
import type { Direction } from '../../../engine/ledger/legs.ts';
import { microsToUsd, qtyToE8, usdToMicros } from '../../../engine/ledger/money.ts';
import { referenceFifoRealized } from '../../helpers/reference-fifo.ts';

interface Step {
  readonly direction: Direction;
  readonly qtyE8: number;
  readonly price: number;
}

/** Applies fills the way the ledger does (lots in, lots out) and returns the books. */
function run(steps: readonly Step[]): { lots: OpenLot[]; cash: number; realized: number } {
  let lots: OpenLot[] = [];
  let nextId = 1;
  let cash = 0;
  let realized = 0;
  for (const step of steps) {
    const plan = planFill(lots, step);
    const remaining = new Map(plan.closes.map((c) => [c.lotId, c]));
    lots = lots
      .map((l) => {
        const c = remaining.get(l.id);
        return c ? { ...l, qtyE8: c.remainingQtyE8, costMicros: c.remainingCostMicros } : l;
      })
      .filter((l) => l.qtyE8 > 0);
    if (plan.opened) lots.push({ id: nextId++, ...plan.opened });
    cash += plan.tradeCashMicros;
    realized += plan.realizedMicros;
  }
  return { lots, cash, realized };
}

const buy = (qty: number, price: number): Step => ({ direction: 'buy', qtyE8: qtyToE8(qty), price });
const sell = (qty: number, price: number): Step => ({ direction: 'sell', qtyE8: qtyToE8(qty), price });

const referenceFifo = (steps: readonly Step[]): number =>
  referenceFifoRealized(steps.map((s) => ({ direction: s.direction, qty: s.qtyE8 / 1e8, price: s.price })));

describe('planFill (FIFO)', () => {
  it('realizes exactly 250 on buy 0.1 @ 30,000, buy 0.1 @ 31,000, sell 0.15 @ 32,000', () => {
    const books = run([buy(0.1, 30_000), buy(0.1, 31_000), sell(0.15, 32_000)]);
    expect(books.realized).toBe(usdToMicros(250));
    expect(positionOfLots(books.lots)).toEqual({ qtyE8: qtyToE8(0.05), costMicros: usdToMicros(1_550) });
    expect(books.cash).toBe(usdToMicros(-3_000 - 3_100 + 4_800));
  });

  it('closes the oldest lot first and keeps the rest of a partly closed lot at its own price', () => {
    const books = run([buy(1, 100), buy(1, 200), sell(0.5, 150)]);
    expect(microsToUsd(books.realized)).toBe(25);
    expect(books.lots.map((l) => [l.qtyE8, l.costMicros])).toEqual([
      [qtyToE8(0.5), usdToMicros(50)],
      [qtyToE8(1), usdToMicros(200)],
    ]);
  });

  it('opens a short on a sell from flat and closes it FIFO on buys (profit when bought back lower)', () => {
    const books = run([sell(2, 100), sell(1, 90), buy(2.5, 80)]);
    // 2 @ 100 closed at 80: +40; 0.5 of the 90 lot closed at 80: +5.
    expect(microsToUsd(books.realized)).toBe(45);
    expect(positionOfLots(books.lots)).toEqual({ qtyE8: -qtyToE8(0.5), costMicros: -usdToMicros(45) });
  });

  it('loses on a short bought back higher', () => {
    expect(microsToUsd(run([sell(1, 100), buy(1, 130)]).realized)).toBe(-30);
  });

  it('flips through zero: closes the whole long and opens a short with the remainder at the fill price', () => {
    const plan = planFill([{ id: 1, side: 'long', qtyE8: qtyToE8(1), costMicros: usdToMicros(100) }], sell(3, 110));
    expect(plan.closes).toHaveLength(1);
    expect(plan.realizedMicros).toBe(usdToMicros(10));
    expect(plan.opened).toEqual({ side: 'short', qtyE8: qtyToE8(2), costMicros: usdToMicros(220) });
    expect(plan.tradeCashMicros).toBe(usdToMicros(330));
  });

  it('adds to a position on the same side without realizing anything', () => {
    const plan = planFill([{ id: 1, side: 'short', qtyE8: qtyToE8(1), costMicros: usdToMicros(100) }], sell(1, 120));
    expect(plan.closes).toEqual([]);
    expect(plan.realizedMicros).toBe(0);
    expect(plan.opened).toEqual({ side: 'short', qtyE8: qtyToE8(1), costMicros: usdToMicros(120) });
  });

  it('splits the notional across slices so they add up to it exactly, even with awkward thirds', () => {
    const lots: OpenLot[] = [1, 2, 3].map((id) => ({ id, side: 'long', qtyE8: 1, costMicros: 1 }));
    const plan = planFill(lots, { direction: 'sell', qtyE8: 4, price: 0.00333333 * 1e8 });
    const slices = plan.closes.reduce((s, c) => s + c.cashMicros, 0) + (plan.opened?.costMicros ?? 0);
    expect(slices).toBe(plan.notionalMicros);
  });

  it('never gives the lot a flip opens a negative cost: 2 micros over four equal slices', () => {
    // Rounding each 0.5-micro slice up and leaving the remainder to the last gave the short lot -1 micro,
    // a cost the books refuse (CHECK remaining_cost_micros >= 0): the fill could never be booked.
    const lots: OpenLot[] = [1, 2, 3].map((id) => ({ id, side: 'long', qtyE8: 2, costMicros: 1 }));
    const plan = planFill(lots, { direction: 'sell', qtyE8: 8, price: 25 });
    expect(plan.notionalMicros).toBe(2);
    expect(plan.opened).toEqual({ side: 'short', qtyE8: 2, costMicros: expect.any(Number) });
    expect(plan.opened!.costMicros).toBeGreaterThanOrEqual(0);
  });

  it('prices the sliver a flip opens at the fill price, not at the rounding of the lots it swept', () => {
    // 40 lots of 1 token at 0.0000125 (12.5 micros each), then a sell of 40.01: the 0.01 short is worth 0.125 micros.
    const lots: OpenLot[] = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, side: 'long', qtyE8: qtyToE8(1), costMicros: 13 }));
    const plan = planFill(lots, { direction: 'sell', qtyE8: qtyToE8(40.01), price: 0.0000125 });
    expect(plan.opened?.costMicros).toBeLessThanOrEqual(1);
  });

  it('keeps every slice within a micro of its exact share of the notional, and never negative, on random sweeps', () => {
    const sweep = fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(sweep, fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 1, max: 4_000 }), (sizes, extra, ticks) => {
        const lots: OpenLot[] = sizes.map((qtyE8, i) => ({ id: i + 1, side: 'short', qtyE8, costMicros: qtyE8 }));
        const qtyE8 = sizes.reduce((a, b) => a + b, 0) + extra;
        const price = ticks / 64;
        const plan = planFill(lots, { direction: 'buy', qtyE8, price });
        const slices = [...plan.closes.map((c) => [c.closedQtyE8, c.cashMicros] as const)];
        if (plan.opened) slices.push([plan.opened.qtyE8, plan.opened.costMicros]);
        for (const [qty, cash] of slices) {
          expect(cash).toBeGreaterThanOrEqual(0);
          expect(Math.abs(cash - (plan.notionalMicros * qty) / qtyE8)).toBeLessThan(1);
        }
        expect(slices.reduce((s, [, cash]) => s + cash, 0)).toBe(plan.notionalMicros);
      }),
      { seed: 7031, numRuns: 400 },
    );
  });

  it('refuses a zero quantity and mixed-side lots with LEDGER_INVALID_AMOUNT', () => {
    expect(() => planFill([], { direction: 'buy', qtyE8: 0, price: 1 })).toThrow(TradegateError);
    const mixed: OpenLot[] = [
      { id: 1, side: 'long', qtyE8: 1, costMicros: 1 },
      { id: 2, side: 'short', qtyE8: 1, costMicros: 1 },
    ];
    expect(() => planFill(mixed, buy(1, 1))).toThrow(/both long and short/);
  });

  it('matches a plain float FIFO reference on random fill sequences', () => {
    const step = fc.record({
      direction: fc.constantFrom<Direction>('buy', 'sell'),
      qtyE8: fc.integer({ min: 1, max: 1_000_000_000 }),
      price: fc.integer({ min: 1, max: 10_000_000 }).map((cents) => cents / 100),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const books = run(steps);
        const reference = referenceFifo(steps);
        // Each fill rounds its notional once (<= 0.5 micro) and each slice split once more.
        expect(Math.abs(microsToUsd(books.realized) - reference)).toBeLessThanOrEqual(steps.length * 3e-6 + Math.abs(reference) * 1e-12);
      }),
      { seed: 20240310, numRuns: 400 },
    );
  });

  it('conserves money exactly: cash + signed cost of open lots = realized PnL, on random sequences', () => {
    const step = fc.record({
      direction: fc.constantFrom<Direction>('buy', 'sell'),
      qtyE8: fc.integer({ min: 1, max: 5_000_000_000 }),
      price: fc.double({ min: 0, max: 100_000, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const books = run(steps);
        expect(books.cash + positionOfLots(books.lots).costMicros).toBe(books.realized);
      }),
      { seed: 99, numRuns: 400 },
    );
  });
});

describe('lotsAfter', () => {
  it('gives the lots a plan leaves open, as the ledger reads them back after the write (closed lots gone, opened lot last)', () => {
    const lots: OpenLot[] = [
      { id: 1, side: 'long', qtyE8: qtyToE8(1), costMicros: usdToMicros(100) },
      { id: 2, side: 'long', qtyE8: qtyToE8(1), costMicros: usdToMicros(200) },
    ];
    expect(lotsAfter(lots, planFill(lots, sell(1.5, 150)))).toEqual([{ id: 2, side: 'long', qtyE8: qtyToE8(0.5), costMicros: usdToMicros(100) }]);
    expect(lotsAfter(lots, planFill(lots, sell(2.5, 150)))).toEqual([{ side: 'short', qtyE8: qtyToE8(0.5), costMicros: usdToMicros(75) }]);
    expect(lotsAfter(lots, planFill(lots, buy(1, 300))).map((l) => l.qtyE8)).toEqual([qtyToE8(1), qtyToE8(1), qtyToE8(1)]);
  });

  it('adds up to the same position as replaying the plan onto the lots, on random sequences', () => {
    const step = fc.record({
      direction: fc.constantFrom<Direction>('buy', 'sell'),
      qtyE8: fc.integer({ min: 1, max: 5_000_000_000 }),
      price: fc.integer({ min: 1, max: 10_000_000 }).map((cents) => cents / 100),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 2, maxLength: 40 }), (steps) => {
        const before = run(steps.slice(0, -1)).lots;
        const last = steps[steps.length - 1]!;
        const replayed = run(steps).lots;
        expect(positionOfLots(lotsAfter(before, planFill(before, last)))).toEqual(positionOfLots(replayed));
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});

describe('planSettlement and settlementPrice', () => {
  it('pays 1.00 per contract to the leg whose outcome wins and 0 to the other', () => {
    expect(settlementPrice('yes', 'yes')).toBe(1);
    expect(settlementPrice('yes', 'no')).toBe(0);
    expect(settlementPrice('no', 'no')).toBe(1);
    expect(settlementPrice('no', 'yes')).toBe(0);
    expect(() => settlementPrice('outright', 'yes')).toThrow(TradegateError);
  });

  it('refuses an outcome that is neither yes nor no instead of paying both legs nothing', () => {
    for (const outcome of ['YES', 'void', '50-50', undefined]) {
      expect(() => settlementPrice('yes', outcome as unknown as BinaryOutcome)).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
      expect(() => settlementPrice('no', outcome as unknown as BinaryOutcome)).toThrow(TradegateError);
    }
  });

  it('closes all lots at the payout: 10 NO contracts bought at 0.40 win 6.00 when NO wins', () => {
    const lots: OpenLot[] = [{ id: 1, side: 'long', qtyE8: qtyToE8(10), costMicros: usdToMicros(4) }];
    const plan = planSettlement(lots, settlementPrice('no', 'no'))!;
    expect(plan.tradeCashMicros).toBe(usdToMicros(10));
    expect(plan.realizedMicros).toBe(usdToMicros(6));
    expect(plan.opened).toBeNull();
    expect(planSettlement([], 1)).toBeNull();
  });
});

describe('fundingMicros', () => {
  it('charges longs and pays shorts when the rate is positive', () => {
    expect(fundingMicros(qtyToE8(1), 50_000, 0.0001)).toBe(-usdToMicros(5));
    expect(fundingMicros(-qtyToE8(1), 50_000, 0.0001)).toBe(usdToMicros(5));
  });

  it('pays longs and charges shorts when the rate is negative', () => {
    expect(fundingMicros(qtyToE8(2), 50_000, -0.0001)).toBe(usdToMicros(10));
    expect(fundingMicros(-qtyToE8(2), 50_000, -0.0001)).toBe(-usdToMicros(10));
  });

  it('is zero when flat or when the rate is zero, and refuses a non-finite rate', () => {
    expect(fundingMicros(0, 50_000, 0.01)).toBe(0);
    expect(fundingMicros(qtyToE8(1), 50_000, 0)).toBe(0);
    expect(() => fundingMicros(qtyToE8(1), 50_000, Number.NaN)).toThrow(TradegateError);
  });
});

describe('feeMovement', () => {
  it('books a positive fee as cash out and a negative fee as a rebate (cash in)', () => {
    expect(feeMovement(usdToMicros(1.5))).toEqual({ kind: 'fee', amountMicros: -usdToMicros(1.5) });
    expect(feeMovement(-usdToMicros(0.2))).toEqual({ kind: 'rebate', amountMicros: usdToMicros(0.2) });
    expect(feeMovement(0)).toBeNull();
  });
});
