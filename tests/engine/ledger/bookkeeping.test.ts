// Specs of posting to the books: fills (FIFO, fees, duplicates, atomicity), funding, binary settlement, and no drift at scale.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { microsToUsd, usdToMicros } from '../../../engine/ledger/money.ts';
import type { Side } from '../../../engine/types.ts';
import { referenceFifoRealized } from '../../helpers/reference-fifo.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  ledger.deposit(10_000, 'initial');
});
afterEach(() => env.cleanup());

describe('applyFill', () => {
  it('books the FIFO example: realized 250, 0.05 left at 31,000, cash and trade movements to match', () => {
    ledger.applyFill(fill('BTC-USD', 'buy', 0.1, 30_000));
    ledger.applyFill(fill('BTC-USD', 'buy', 0.1, 31_000));
    const sold = ledger.applyFill(fill('BTC-USD', 'sell', 0.15, 32_000));
    expect(sold.status === 'applied' && sold.realizedPnlUsd).toBe(250);
    expect(ledger.position('BTC-USD')).toMatchObject({ qty: 0.05, costUsd: 1_550, entryPrice: 31_000, realizedPnlUsd: 250 });
    expect(ledger.cashUsd()).toBe(10_000 - 3_000 - 3_100 + 4_800);
    expect(ledger.cash.list().map((m) => [m.kind, m.amountUsd])).toEqual([
      ['deposit', 10_000],
      ['trade', -3_000],
      ['trade', -3_100],
      ['trade', 4_800],
    ]);
  });

  it('ignores a duplicate venue fill id, reports it, and never double-counts', () => {
    const first = fill('BTC-USD', 'buy', 0.1, 30_000, { fee: 1.2 });
    expect(ledger.applyFill(first).status).toBe('applied');
    const again = ledger.applyFill(first);
    expect(again).toEqual({ status: 'duplicate', fillId: 1, matches: true });
    expect(ledger.fills.count()).toBe(1);
    expect(ledger.position('BTC-USD').qty).toBe(0.1);
    expect(ledger.cashUsd()).toBe(10_000 - 3_000 - 1.2);
  });

  it('flags a duplicate whose terms differ from what was booked (matches: false), still posting nothing', () => {
    const first = fill('BTC-USD', 'buy', 0.1, 30_000);
    ledger.applyFill(first);
    expect(ledger.applyFill({ ...first, qty: 0.2 })).toMatchObject({ status: 'duplicate', matches: false });
    expect(ledger.position('BTC-USD').qty).toBe(0.1);
  });

  it('books taker fees as cash out and maker rebates (negative fees) as cash in', () => {
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { fee: 0.06, liquidity: 'taker' }));
    ledger.applyFill(fill('BTC-USD', 'sell', 1, 110, { fee: -0.022, liquidity: 'maker' }));
    const kinds = ledger.cash.list().map((m) => [m.kind, m.amountUsd]);
    expect(kinds).toContainEqual(['fee', -0.06]);
    expect(kinds).toContainEqual(['rebate', 0.022]);
    const p = ledger.position('BTC-USD');
    expect(p.realizedPnlUsd).toBe(10);
    expect(p.feesUsd).toBe(0.038);
    // 10,000 + 10 - 0.06 + 0.022 written as a literal: float arithmetic on the expectation side would itself drift.
    expect(ledger.cashUsd()).toBe(10_009.962);
    expect(ledger.fills.all().map((f) => f.liquidity)).toEqual(['taker', 'maker']);
  });

  it('adds confirmed fills to their order: filled quantity and fees, proportionally for partial fills', () => {
    ledger.orders.insertPending({ clientOrderId: 'tg-o1', intentKey: 'k', venue: 'paper', instrument: 'BTC-USD', side: 'buy',
      orderType: 'limit', qty: 1, limitPrice: 100, strategy: 's' });
    ledger.applyFill(fill('BTC-USD', 'buy', 0.4, 100, { clientOrderId: 'tg-o1', fee: 0.04 }));
    const second = ledger.applyFill(fill('BTC-USD', 'buy', 0.35, 100, { clientOrderId: 'tg-o1', fee: 0.035 }));
    const order = ledger.orders.require('tg-o1');
    // The posting hands back the order as it left it, equal to reading it again.
    expect(second).toMatchObject({ status: 'applied', order });
    expect(ledger.applyFill(fill('ETH-USD', 'buy', 1, 10, { clientOrderId: 'tg-none' }))).toMatchObject({ status: 'applied', order: undefined });
    expect(order.filledQty).toBe(0.75);
    expect(order.feesUsd).toBe(0.075);
    expect(ledger.fills.forOrder(order.id)).toHaveLength(2);
    expect(ledger.position('BTC-USD').qty).toBe(0.75);
  });

  it('flips a long through zero into a short, resetting the entry', () => {
    env.clock.advance(1000);
    ledger.applyFill(fill('ETH-USD', 'buy', 1, 2_000));
    env.clock.advance(1000);
    ledger.applyFill(fill('ETH-USD', 'sell', 3, 2_100));
    expect(ledger.position('ETH-USD')).toMatchObject({ qty: -2, costUsd: -4_200, entryPrice: 2_100, realizedPnlUsd: 100,
      openedAtMs: env.clock.now() });
  });

  it('books a flip that sweeps many tiny lots, however the slices round (the opened lot never costs below 0)', () => {
    // Three lots of 2e-8 at 25 (0.5 micro each, booked at 1), then a sell of 8e-8: the books once refused this fill.
    for (let i = 0; i < 3; i++) ledger.applyFill(fill('DUST-USD', 'buy', 0.00000002, 25));
    expect(ledger.applyFill(fill('DUST-USD', 'sell', 0.00000008, 25)).status).toBe('applied');
    expect(ledger.position('DUST-USD').qty).toBe(-0.00000002);
    expect(ledger.positions.openLots('DUST-USD', 'outright').every((l) => l.costMicros >= 0)).toBe(true);
  });

  it('posts nothing when any part of the transaction fails (atomic)', () => {
    ledger.db.exec(`CREATE TRIGGER fail_fees BEFORE INSERT ON cash_movements WHEN NEW.kind = 'fee'
      BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    expect(() => ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { fee: 1 }))).toThrow('injected failure');
    expect(ledger.fills.count()).toBe(0);
    expect(ledger.positions.openLots('BTC-USD', 'outright')).toEqual([]);
    expect(ledger.position('BTC-USD').qty).toBe(0);
    expect(ledger.cashUsd()).toBe(10_000);
  });

  it('refuses non-finite prices, fees and quantities with LEDGER_INVALID_AMOUNT and books nothing', () => {
    for (const bad of [{ price: Number.NaN }, { fee: Number.POSITIVE_INFINITY }, { qty: 0 }, { qty: -1 }, { price: -5 }]) {
      expect(() => ledger.applyFill({ ...fill('BTC-USD', 'buy', 1, 100), ...bad })).toThrow(
        expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT', kind: 'halt' }),
      );
    }
    expect(ledger.fills.count()).toBe(0);
  });

  it('does not drift over 100,000 fills: cash and fees stay exact to the micro-dollar', { timeout: 180_000 }, () => {
    const n = 100_000;
    // In memory: the arithmetic is the point here, not the disk (durability is covered elsewhere).
    ledger = env.open({ mode: 'backtest', dataDir: undefined, path: ':memory:' });
    ledger.deposit(10_000);
    ledger.transaction(() => {
      for (let i = 0; i < n; i++) {
        const side: Side = i % 2 === 0 ? 'buy' : 'sell';
        ledger.applyFill(fill('BTC-USD', side, 0.1, side === 'buy' ? 30_000.1 : 30_000.3, { fee: 0.01, tsMs: i }));
      }
    });
    // Each round trip: +0.02 realized (0.1 x 0.2), -0.02 fees. 50,000 round trips: exactly flat.
    expect(ledger.fills.count()).toBe(n);
    expect(ledger.position('BTC-USD').qty).toBe(0);
    expect(ledger.position('BTC-USD').realizedPnlUsd).toBe(1_000);
    expect(ledger.position('BTC-USD').feesUsd).toBe(1_000);
    expect(ledger.cashUsd()).toBe(10_000);
    // The same sums in floats drift: the reason the books hold integers.
    let floatFees = 0;
    for (let i = 0; i < n; i++) floatFees += 0.01;
    expect(floatFees).not.toBe(1_000);
  });
});

describe('conservation over random fill sequences (property, real SQLite)', () => {
  it('cash + positions at cost = deposits + realized PnL - fees, exactly; realized matches FIFO in floats', () => {
    const sides: Side[] = ['buy', 'sell'];
    const step = fc.record({
      side: fc.constantFrom(...sides),
      qtyE8: fc.integer({ min: 1, max: 300_000_000 }),
      cents: fc.integer({ min: 1, max: 5_000_000 }),
      feeMicros: fc.integer({ min: -5_000_000, max: 20_000_000 }),
    });
    let round = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        round += 1;
        const l = env.open({ mode: 'backtest', dataDir: undefined, path: ':memory:' });
        l.deposit(1_000_000);
        let fees = 0;
        for (const s of steps) {
          l.applyFill(fill(`I-${round}`, s.side, s.qtyE8 / 1e8, s.cents / 100, { fee: microsToUsd(s.feeMicros) }));
          fees += s.feeMicros;
        }
        const p = l.positions.get(`I-${round}`, 'outright')!;
        expect(l.cash.balanceMicros() + p.costMicros).toBe(usdToMicros(1_000_000) + p.realizedMicros - fees);
        expect(p.feesMicros).toBe(fees);
        const fromFills = l.fills.all().reduce((sum, f) => sum + usdToMicros(f.realizedPnlUsd), 0);
        expect(fromFills).toBe(p.realizedMicros);
        const reference = referenceFifoRealized(steps.map((s) => ({ direction: s.side as 'buy' | 'sell', qty: s.qtyE8 / 1e8, price: s.cents / 100 })));
        expect(Math.abs(microsToUsd(p.realizedMicros) - reference)).toBeLessThanOrEqual(steps.length * 3e-6 + Math.abs(reference) * 1e-12);
        l.close();
      }),
      { seed: 424242, numRuns: 60 },
    );
  });
});

describe('applyFunding', () => {
  it('charges a long when the rate is positive and credits it when negative, once per reference', () => {
    ledger.applyFill(fill('BTC-PERP', 'buy', 2, 50_000));
    const cash = ledger.cashUsd();
    expect(ledger.applyFunding({ instrument: 'BTC-PERP', rate: 0.0001, markPrice: 50_000, reference: 'fund-1' })).toEqual({
      amountUsd: -10,
      duplicate: false,
    });
    expect(ledger.applyFunding({ instrument: 'BTC-PERP', rate: 0.0001, markPrice: 50_000, reference: 'fund-1' }).duplicate).toBe(true);
    expect(ledger.applyFunding({ instrument: 'BTC-PERP', rate: -0.00005, markPrice: 50_000, reference: 'fund-2' }).amountUsd).toBe(5);
    expect(ledger.cashUsd()).toBe(cash - 10 + 5);
    expect(ledger.position('BTC-PERP').fundingUsd).toBe(-5);
  });

  it('credits a short when the rate is positive and charges it when negative', () => {
    ledger.applyFill(fill('BTC-PERP', 'sell', 1, 40_000));
    expect(ledger.applyFunding({ instrument: 'BTC-PERP', rate: 0.0002, markPrice: 40_000, reference: 'a' }).amountUsd).toBe(8);
    expect(ledger.applyFunding({ instrument: 'BTC-PERP', rate: -0.0002, markPrice: 40_000, reference: 'b' }).amountUsd).toBe(-8);
  });

  it('books nothing for a flat instrument', () => {
    expect(ledger.applyFunding({ instrument: 'NONE', rate: 0.01, markPrice: 1, reference: 'c' })).toEqual({ amountUsd: 0, duplicate: false });
    expect(ledger.cash.totalsByKind().funding).toBe(0);
  });

  it('books the amount the venue booked when given, over its own reckoning, still once per reference', () => {
    ledger.applyFill(fill('BTC-PERP', 'buy', 2, 50_000));
    const cash = ledger.cashUsd();
    // The venue charged on its own mark: 9.87, not the 10 that 2 x 50,000 x 0.0001 would give.
    expect(ledger.applyFunding({ instrument: 'BTC-PERP', rate: 0.0001, markPrice: 50_000, reference: 'v-1', amountUsd: -9.87 })).toEqual({
      amountUsd: -9.87,
      duplicate: false,
    });
    expect(ledger.applyFunding({ instrument: 'BTC-PERP', rate: 0.0001, markPrice: 50_000, reference: 'v-1', amountUsd: -9.87 }).duplicate).toBe(true);
    expect(ledger.cashUsd()).toBeCloseTo(cash - 9.87, 6);
    expect(ledger.position('BTC-PERP').fundingUsd).toBe(-9.87);
  });

  it('books a venue payment as cash even without a position to hang it on: the money moved', () => {
    expect(ledger.applyFunding({ instrument: 'ETH-PERP', rate: 0.0001, markPrice: 3_000, reference: 'v-2', amountUsd: -1.5 }).amountUsd).toBe(-1.5);
    expect(ledger.cash.totalsByKind().funding).toBe(-1_500_000);
  });

  it('refuses a venue amount that is not a finite number (LEDGER_INVALID_AMOUNT)', () => {
    expect(() => ledger.applyFunding({ instrument: 'BTC-PERP', rate: 0.0001, markPrice: 50_000, reference: 'v-3', amountUsd: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }),
    );
  });
});

describe('applySettlement (binary markets)', () => {
  const cases: [Side, 'yes' | 'no', number][] = [
    ['buy_yes', 'yes', 10 * (1 - 0.3)],
    ['buy_yes', 'no', -10 * 0.3],
    ['buy_no', 'no', 10 * (1 - 0.3)],
    ['buy_no', 'yes', -10 * 0.3],
  ];
  it.each(cases)('%s at 0.30 for 10 contracts, outcome %s: realized %d', (side, outcome, pnl) => {
    ledger.applyFill(fill('KX-MKT', side, 10, 0.3));
    const legs = ledger.applySettlement({ instrument: 'KX-MKT', outcome });
    const wins = (side === 'buy_yes') === (outcome === 'yes');
    expect(legs).toEqual([
      { leg: side === 'buy_yes' ? 'yes' : 'no', payoutUsd: wins ? 10 : 0, realizedPnlUsd: pnl, alreadySettled: false },
    ]);
    expect(ledger.cashUsd()).toBeCloseTo(10_000 + pnl, 9);
    expect(ledger.openPositions()).toEqual([]);
  });

  it('settles both legs held at once and is a no-op the second time', () => {
    ledger.applyFill(fill('KX-2', 'buy_yes', 5, 0.6));
    ledger.applyFill(fill('KX-2', 'buy_no', 5, 0.45));
    const legs = ledger.applySettlement({ instrument: 'KX-2', outcome: 'yes' });
    expect(legs.map((l) => [l.leg, l.payoutUsd, l.realizedPnlUsd])).toEqual([
      ['yes', 5, 2],
      ['no', 0, -2.25],
    ]);
    expect(ledger.applySettlement({ instrument: 'KX-2', outcome: 'yes' }).every((l) => l.alreadySettled)).toBe(true);
    expect(ledger.cashUsd()).toBe(10_000 - 3 - 2.25 + 5);
  });

  it('settles a short YES position (sold without holding) by paying 1.00 a contract when YES wins', () => {
    ledger.applyFill(fill('KX-3', 'sell_yes', 4, 0.7));
    const [yes] = ledger.applySettlement({ instrument: 'KX-3', outcome: 'yes' });
    expect(yes).toEqual({ leg: 'yes', payoutUsd: -4, realizedPnlUsd: -1.2, alreadySettled: false });
  });
});
