// Specs of the lot and position store: FIFO order of open lots, closed lots leave the queue, one row per mode+instrument+leg.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planFill } from '../../../engine/ledger/accounting.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { qtyToE8 } from '../../../engine/ledger/money.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
});
afterEach(() => env.cleanup());

describe('PositionRepository', () => {
  it('returns open lots oldest first and drops fully closed lots from the queue', () => {
    ledger.applyFill(fill('BTC-USD', 'buy', 0.1, 30_000));
    ledger.applyFill(fill('BTC-USD', 'buy', 0.1, 31_000));
    ledger.applyFill(fill('BTC-USD', 'sell', 0.15, 32_000));
    const lots = ledger.positions.openLots('BTC-USD', 'outright');
    expect(lots.map((l) => [l.price, l.qtyE8])).toEqual([[31_000, qtyToE8(0.05)]]);
    const closed = ledger.db.prepare('SELECT closed_at_ms AS c FROM lots WHERE remaining_qty_e8 = 0').all();
    expect(closed).toEqual([{ c: env.clock.now() }]);
  });

  it('keeps legs of one binary market apart', () => {
    ledger.applyFill(fill('KX-A', 'buy_yes', 3, 0.6));
    ledger.applyFill(fill('KX-A', 'buy_no', 2, 0.35));
    expect(ledger.positions.open().map((p) => [p.instrument, p.leg, p.qtyE8])).toEqual([
      ['KX-A', 'no', qtyToE8(2)],
      ['KX-A', 'yes', qtyToE8(3)],
    ]);
  });

  it('raises a peak only in the favourable direction, and only on the position as it was marked', () => {
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
    ledger.applyFill(fill('ETH-USD', 'sell', 1, 50));
    const long = ledger.positions.get('BTC-USD', 'outright')!;
    const short = ledger.positions.get('ETH-USD', 'outright')!;
    ledger.positions.raisePeak(long, 120, 0.2);
    ledger.positions.raisePeak(long, 110, 0.1);
    ledger.positions.raisePeak(short, 40, 0.2);
    ledger.positions.raisePeak(short, 45, 0.1);
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ peakPrice: 120, peakPnlFraction: 0.2 });
    expect(ledger.positions.get('ETH-USD', 'outright')).toMatchObject({ peakPrice: 40, peakPnlFraction: 0.2 });
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 130));
    ledger.positions.raisePeak(long, 150, 0.5);
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ peakPrice: 120, peakPnlFraction: 0.2 });
  });

  it('writes a plan without a fill (settlement) and reports an empty position for an unknown instrument', () => {
    const plan = planFill([], { direction: 'buy', qtyE8: 100, price: 1 });
    ledger.positions.applyPlan(plan, { instrument: 'X', leg: 'outright', fillId: null, price: 1 });
    expect(ledger.positions.openLots('X', 'outright')).toHaveLength(1);
    expect(ledger.positions.get('Y', 'outright')).toBeUndefined();
    expect(ledger.positions.empty('Y', 'outright')).toMatchObject({ qtyE8: 0, costMicros: 0, mode: 'paper' });
  });
});
