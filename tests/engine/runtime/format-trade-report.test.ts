// Specs for the terminal form of the trade sections: one line per strategy, the slippage histogram, fees, attribution and the last trades.
import { afterEach, describe, expect, it } from 'vitest';
import { formatTradeReport, TEXT_TRADES_SHOWN } from '../../../engine/runtime/format-trade-report.ts';
import { tradeReport } from '../../../engine/runtime/trade-report.ts';
import { type RunFixture, runFixture } from '../../helpers/run-fixture.ts';

let f: RunFixture;
afterEach(() => f.env.cleanup());

describe('formatTradeReport', () => {
  it('prints each section with its figures and the attribution identity of each trade', () => {
    f = runFixture();
    const text = formatTradeReport(tradeReport({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }));
    expect(text).toContain('    canary               2 fills, 1 closed trades (1 won), realized +8.500000 USD, fees 0.100000 USD, net +8.400000 USD');
    expect(text).toMatch(/slippage {6}2 fills: avg 70\.45 bps \(quantity-weighted\), min 50\.00, p50 50\.00, p90 90\.91, max 90\.91/);
    expect(text).toContain('[>= 10] 2');
    expect(text).toContain('fees          0.100000 USD: taker 0.100000 (2 fills), maker 0.000000 (0 fills), rebates 0.000000');
    expect(text).toContain('attribution   1 closed trades: net +8.400000 USD = edge +0.000000 + execution +0.000000 + luck +8.400000');
    expect(text).toMatch(/canary +BTC-USD long +1 +100\.5 -> 109 +net \+8\.400000 = edge \+0\.000000 \+ execution \+0\.000000 \+ luck \+8\.400000 \(fees 0\.100000\)/);
    expect(text).not.toContain('note');
  });

  it(`shows only the last ${TEXT_TRADES_SHOWN} closed trades and says how many there are`, () => {
    f = runFixture();
    const r = tradeReport({ db: f.ledger.db, mode: 'paper', runId: 'run-1' });
    const many = { ...r, closed_trades: Array.from({ length: TEXT_TRADES_SHOWN + 5 }, () => r.closed_trades[0]!) };
    expect(formatTradeReport(many)).toContain(`closed trades last ${TEXT_TRADES_SHOWN} of ${TEXT_TRADES_SHOWN + 5} (--format csv lists all)`);
  });
});
