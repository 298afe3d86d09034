// Specs of equity observations: marking reads only and gives the figures recording would, recording writes only what moved and never backwards.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MarkLookup } from '../../../engine/ledger/equity.ts';
import { movesNothing, type ObserverBooks, observeEquity, recordEquity } from '../../../engine/ledger/equity-observation.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const at = (price: number): MarkLookup => () => price;

let env: TempLedgers;
let ledger: Ledger;
let books: ObserverBooks;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  ledger.deposit(10_000);
  ledger.startRun({ runId: 'r' });
  ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
  books = { clock: env.clock, positions: ledger.positions, cash: ledger.cash, equity: ledger.equity, runs: ledger.runs };
});
afterEach(() => env.cleanup());

const changes = () => ledger.db.prepare<[], { n: number }>('SELECT total_changes() AS n').get()!.n;

describe('observeEquity', () => {
  it('writes nothing, and gives the figures a recorded observation would: baselines and peaks include it', () => {
    const before = changes();
    const o = observeEquity(books, 'r', at(110));
    expect(changes()).toBe(before);
    expect(o.metrics).toMatchObject({ equityUsd: 10_010, dayStartEquityUsd: 10_010, peakEquityUsd: 10_010, sessionPnlUsd: 0 });
    expect(o.moves).toMatchObject({ dayStart: true, sessionStart: true, peak: true });
    expect(o.moves.positionPeaks).toEqual([expect.objectContaining({ peakPrice: 110, peakPnlFraction: 0.1 })]);
    expect(ledger.equity.dayStart(o.moves.utcDay)).toBeUndefined();
    expect(ledger.runs.require('r').peakEquityMicros).toBeNull();
    // Recorded, the same observation read again moves nothing more.
    recordEquity(books, o);
    const again = observeEquity(books, 'r', at(110));
    expect(again.metrics).toEqual(o.metrics);
    expect(movesNothing(again.moves)).toBe(true);
  });

  it('sees a lower mark against the recorded peak (drawdown), and moves only the peak when equity rises', () => {
    recordEquity(books, observeEquity(books, 'r', at(110)));
    const down = observeEquity(books, 'r', at(99));
    expect(down.metrics).toMatchObject({ equityUsd: 9_999, peakEquityUsd: 10_010, dayStartEquityUsd: 10_010 });
    expect(movesNothing(down.moves)).toBe(true);
    const up = observeEquity(books, 'r', at(120));
    expect(up.moves).toMatchObject({ dayStart: false, sessionStart: false, peak: true });
    expect(up.moves.positionPeaks).toHaveLength(1);
  });
});

describe('recordEquity', () => {
  it('writes the day start, session start and peaks it moved, and a mark snapshot only when asked', () => {
    recordEquity(books, observeEquity(books, 'r', at(110)), { snapshot: true });
    expect(ledger.equity.between(0, Number.MAX_SAFE_INTEGER).map((s) => s.kind)).toEqual(['day_start', 'session_start', 'mark']);
    expect(ledger.runs.require('r')).toMatchObject({ startEquityMicros: 10_010_000_000, peakEquityMicros: 10_010_000_000 });
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ peakPrice: 110, peakPnlFraction: 0.1 });
  });

  it('never moves anything backwards when recorded late, after a later observation was recorded', () => {
    const early = observeEquity(books, 'r', at(105));
    recordEquity(books, observeEquity(books, 'r', at(120)));
    recordEquity(books, early);
    expect(ledger.runs.require('r')).toMatchObject({ startEquityMicros: 10_020_000_000, peakEquityMicros: 10_020_000_000 });
    expect(ledger.equity.dayStart(early.moves.utcDay)?.equityMicros).toBe(10_020_000_000);
    expect(ledger.equity.between(0, Number.MAX_SAFE_INTEGER).filter((s) => s.kind === 'session_start')).toHaveLength(1);
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ peakPrice: 120, peakPnlFraction: 0.2 });
  });

  it('does not carry a peak over to a position that changed after it was marked', () => {
    const stale = observeEquity(books, 'r', at(130));
    env.clock.advance(1_000);
    ledger.applyFill(fill('BTC-USD', 'sell', 1, 100));
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
    recordEquity(books, stale);
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ qtyE8: 100_000_000, peakPrice: null, peakPnlFraction: null });
  });
});
