// Specs for the readable summary: the run's figures in words an operator scans, with the venue's and the ledger's counts side by side.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../engine/runtime/format-summary.ts';
import type { RunSummary } from '../../../engine/runtime/run-summary.ts';

const summary: RunSummary = {
  run_id: 'paper-1', mode: 'paper', duration_s: 259_200, market_start: '2018-04-04T00:00:00.000Z', market_end: '2018-04-07T00:00:00.000Z',
  total_trades: 18, total_orders: 28, open_orders: 0, realized_pnl_usd: -0.15067, fees_paid_usd: 0.062466, max_drawdown_pct: 0.002541,
  slippage_avg_bps: -6.35501, rejections_by_rule: { 'data-quality-threshold': 6, 'max-trades-per-market-per-day': 40 }, start_equity_usd: 10_000, final_equity_usd: 9_999.786864,
};

describe('formatSummary', () => {
  it('reads as a short report', () => {
    expect(formatSummary(summary, undefined, ['runs/x/summary.json'])).toBe(`run paper-1 (paper): 259,200 s of market time, 2018-04-04T00:00:00.000Z to 2018-04-07T00:00:00.000Z
  equity        10,000.00 USD -> 9,999.79 USD (-0.21)
  trades        18 fills from 28 orders (0 still open)
  realized PnL  -0.15 USD before 0.06 USD of fees
  max drawdown  0.003%
  slippage      -6.36 bps past the touch (quantity-weighted)
  rejections    data-quality-threshold 6, max-trades-per-market-per-day 40
  files         runs/x/summary.json
`);
  });

  it('sets the venue counts beside the ledger counts, and says n/a for a venue that keeps none', () => {
    const text = formatSummary({ ...summary, rejections_by_rule: {}, slippage_avg_bps: null }, {
      venue_orders_received: null, venue_distinct_client_order_ids: null, venue_fills: null, ledger_orders: 28, ledger_fills: 18,
    });
    expect(text).toContain('  rejections    none\n');
    expect(text).toContain('  slippage      -\n');
    expect(text).toContain('  venue         n/a orders received, n/a distinct client order ids, n/a fills\n  ledger        28 orders, 18 fills\n');
  });
});
