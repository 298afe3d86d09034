// Specs of the books comparison: exact quantities per instrument and leg, cash within a tolerance, every difference named.
import { describe, expect, it } from 'vitest';
import type { PositionView } from '../../../engine/ledger/ledger.ts';
import { compareBooks, compareCash, comparePositions } from '../../../engine/orders/reconcile-books.ts';

function held(instrument: string, qty: number, leg: PositionView['leg'] = 'outright'): PositionView {
  return { instrument, leg, qty, costUsd: 0, entryPrice: 0, realizedPnlUsd: 0, feesUsd: 0, fundingUsd: 0, openedAtMs: null };
}

describe('comparePositions', () => {
  it('agrees when every outright quantity is equal to the last 1e-8 unit, zeros included', () => {
    expect(comparePositions([held('BTC-USD', 0.3)], [{ instrument: 'BTC-USD', quantity: 0.1 + 0.2 }, { instrument: 'ETH-USD', quantity: 0 }])).toEqual([]);
  });

  it('names each instrument whose quantity differs, on either side', () => {
    expect(comparePositions([held('BTC-USD', 0.01), held('LTC-USD', -2)], [{ instrument: 'BTC-USD', quantity: 0.02 }, { instrument: 'ETH-USD', quantity: 1 }])).toEqual([
      'position BTC-USD: ledger 0.01, venue 0.02',
      'position ETH-USD: ledger 0, venue 1',
      'position LTC-USD: ledger -2, venue 0',
    ]);
  });

  it('compares binary YES and NO legs each on its own, as the venue reports them', () => {
    const ledger = [held('K-1', 5, 'yes'), held('K-1', 2, 'no')];
    expect(comparePositions(ledger, [{ instrument: 'K-1', leg: 'yes', quantity: 5 }, { instrument: 'K-1', leg: 'no', quantity: 2 }])).toEqual([]);
    expect(comparePositions(ledger, [{ instrument: 'K-1', leg: 'yes', quantity: 5 }, { instrument: 'K-1', leg: 'no', quantity: 3 }])).toEqual([
      'position K-1 (no): ledger 2, venue 3',
    ]);
  });

  it('names a leg the venue does not hold: a wrong binary position trips the breaker like any other', () => {
    expect(comparePositions([held('K-1', 5, 'yes')], [])).toEqual(['position K-1 (yes): ledger 5, venue 0']);
    expect(comparePositions([], [{ instrument: 'K-1', leg: 'no', quantity: 1 }])).toEqual(['position K-1 (no): ledger 0, venue 1']);
  });
});

describe('compareCash', () => {
  it('accepts a difference within the tolerance and names one beyond it', () => {
    expect(compareCash(100.004, 100, 0.01)).toBeNull();
    expect(compareCash(100.02, 100, 0.01)).toMatch(/^cash: ledger 100.02, venue 100 \(difference 0.020000/);
    expect(compareCash(100, Number.NaN, 0.01)).toMatch(/NaN/);
  });

  it('compares both at once', () => {
    expect(compareBooks({ positions: [], cashUsd: 5 }, { positions: [], cashUsd: 5 }, 0.01)).toEqual({ positions: [], cash: null });
  });
});
