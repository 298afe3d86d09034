// Specs of the gate's ledger facts: exactly the catalog's account.* and position.* names, right values, never NaN.
import { describe, expect, it } from 'vitest';
import type { AccountMetrics, HeldPosition } from '../../../engine/ledger/equity.ts';
import { type LedgerFactsInput, ledgerFacts } from '../../../engine/ledger/ledger-facts.ts';
import { qtyToE8, usdToMicros } from '../../../engine/ledger/money.ts';
import { FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';

const metrics: AccountMetrics = {
  cashUsd: 5_000, equityUsd: 10_100, dayStartEquityUsd: 10_000, dailyPnlUsd: 100, dailyLossFraction: 0,
  peakEquityUsd: 10_200, drawdownFraction: 100 / 10_200, sessionPnlUsd: 100,
};
const btc: HeldPosition = { instrument: 'BTC-USD', leg: 'outright', qtyE8: qtyToE8(0.1), costMicros: usdToMicros(3_000), peakPrice: 32_000, peakPnlFraction: 2_000 / 30_000 };
const kxNo: HeldPosition = { instrument: 'KX-A', leg: 'no', qtyE8: qtyToE8(10), costMicros: usdToMicros(4) };
const marks: Record<string, number> = { 'BTC-USD/outright': 31_000, 'KX-A/no': 0.5 };
const input = (over: Partial<LedgerFactsInput> = {}): LedgerFactsInput => ({
  metrics, venueBalanceUsd: 4_990, positions: [btc, kxNo], instrument: 'BTC-USD', leg: 'outright',
  mark: (i, l) => marks[`${i}/${l}`], ...over,
});

describe('ledgerFacts', () => {
  it('produces exactly the account.* and position.* facts of the catalog, with the catalog types', () => {
    const facts = ledgerFacts(input());
    const produced = [...Object.entries(facts.account).map(([k, v]) => [`account.${k}`, v] as const),
      ...Object.entries(facts.position).map(([k, v]) => [`position.${k}`, v] as const)];
    const catalog = [...FACT_CATALOG.keys()].filter((p) => p.startsWith('account.') || p.startsWith('position.'));
    expect(produced.map(([p]) => p).sort()).toEqual(catalog.sort());
    for (const [path, value] of produced) expect(typeof value).toBe(FACT_CATALOG.get(path)!.type);
  });

  it('computes the account facts from equity metrics and the venue balance', () => {
    expect(ledgerFacts(input()).account).toEqual({
      cash_usd: 5_000, venue_balance_usd: 4_990, equity_usd: 10_100, day_start_equity_usd: 10_000, daily_pnl_usd: 100,
      daily_loss_fraction: 0, peak_equity_usd: 10_200, drawdown_fraction: 100 / 10_200, session_pnl_usd: 100,
    });
  });

  it('computes position facts at mark, with the after-fill size of a candidate order', () => {
    const p = ledgerFacts(input({ order: { direction: 'buy', qty: 0.05, price: 31_010 } })).position;
    expect(p).toMatchObject({
      quantity: 0.1, notional_usd: 3_100, after_fill_quantity: 0.15, open_positions_count: 2, has_position_in_market: true,
      has_position_in_event: false, unrealized_pnl_usd: 100, unrealized_loss_usd: 0, unrealized_loss_fraction: 0,
      entry_price: 30_000, peak_price: 32_000,
    });
    expect(p.after_fill_notional_usd).toBeCloseTo(0.15 * 31_010, 9);
    expect(p.unrealized_pnl_fraction).toBeCloseTo(100 / 3_000, 12);
    expect(p.peak_pnl_fraction).toBeCloseTo(2_000 / 30_000, 12);
    expect(p.retrace_from_peak_fraction).toBeCloseTo(2_000 / 30_000 - 100 / 3_000, 12);
  });

  it('reports a losing position as positive loss facts', () => {
    const p = ledgerFacts(input({ mark: () => 27_000 })).position;
    expect(p.unrealized_pnl_usd).toBe(-300);
    expect(p.unrealized_loss_usd).toBe(300);
    expect(p.unrealized_loss_fraction).toBeCloseTo(0.1, 12);
  });

  it('reads a buy_no position as a long in NO contracts, and a closing sell as shrinking it', () => {
    const p = ledgerFacts(input({ instrument: 'KX-A', leg: 'no', order: { direction: 'sell', qty: 4, price: 0.5 } })).position;
    expect(p).toMatchObject({ quantity: 10, notional_usd: 5, after_fill_quantity: 6, after_fill_notional_usd: 3, unrealized_pnl_usd: 1, entry_price: 0.4 });
  });

  it('reports zeros for a flat instrument, with the after-fill size at the order price', () => {
    const p = ledgerFacts(input({ instrument: 'LTC-USD', order: { direction: 'sell', qty: 2, price: 80 } })).position;
    expect(p).toMatchObject({ quantity: 0, notional_usd: 0, after_fill_quantity: 2, after_fill_notional_usd: 160, entry_price: 0,
      peak_price: 0, unrealized_pnl_usd: 0, has_position_in_market: false });
  });

  it('sees a position in another market of the same event', () => {
    const p = ledgerFacts(input({ instrument: 'KX-B', leg: 'yes', eventInstruments: ['KX-A', 'KX-B'] })).position;
    expect(p.has_position_in_event).toBe(true);
    expect(p.has_position_in_market).toBe(false);
  });

  it('fails closed instead of returning NaN: a missing mark, a NaN order price or quantity', () => {
    expect(() => ledgerFacts(input({ mark: () => undefined }))).toThrow(expect.objectContaining({ code: 'LEDGER_MARK_MISSING' }));
    expect(() => ledgerFacts(input({ order: { direction: 'buy', qty: 1, price: Number.NaN } }))).toThrow(
      expect.objectContaining({ code: 'FACT_NOT_FINITE', kind: 'deny' }),
    );
    expect(() => ledgerFacts(input({ order: { direction: 'buy', qty: Number.NaN, price: 1 } }))).toThrow(
      expect.objectContaining({ code: 'FACT_NOT_FINITE' }),
    );
    expect(() => ledgerFacts(input({ venueBalanceUsd: Number.NaN }))).toThrow(expect.objectContaining({ code: 'FACT_NOT_FINITE' }));
  });
});
