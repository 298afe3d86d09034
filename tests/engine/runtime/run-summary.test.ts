// Specs for the run summary: every figure from the ledger, for one run only: trades, PnL, fees, drawdown, slippage, refusals by rule.
import { afterEach, describe, expect, it } from 'vitest';
import { computeRunSummary } from '../../../engine/runtime/run-summary.ts';
import { type RunFixture, runFixture } from '../../helpers/run-fixture.ts';
import { T0 } from '../../helpers/temp-ledger.ts';

let f: RunFixture;
afterEach(() => f.env.cleanup());

describe('computeRunSummary', () => {
  it('sums the run\'s own fills and orders, not another run\'s', () => {
    f = runFixture();
    const s = computeRunSummary({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }, f.ledger.runs.require('run-1'));
    expect(s).toMatchObject({
      run_id: 'run-1', mode: 'paper', total_trades: 2, total_orders: 2, open_orders: 2,
      realized_pnl_usd: 8.5, fees_paid_usd: 0.1, start_equity_usd: 10_000,
      market_start: new Date(T0).toISOString(), market_end: new Date(T0 + 300_000).toISOString(), duration_s: 300,
    });
    expect(s.final_equity_usd).toBeCloseTo(10_000 + 8.5 - 0.1, 6);
  });

  it('takes the largest fall of marked equity from its running peak, in percent', () => {
    f = runFixture();
    const s = computeRunSummary({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }, f.ledger.runs.require('run-1'));
    const peak = 10_000 - 100.5 - 0.05 + 200;
    const trough = 10_000 - 100.5 - 0.05 + 99.5;
    expect(s.max_drawdown_pct).toBeCloseTo(((peak - trough) / peak) * 100, 5);
  });

  it('weighs slippage past the touch each order saw by quantity: buys against the ask, sells against the bid', () => {
    f = runFixture();
    const s = computeRunSummary({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }, f.ledger.runs.require('run-1'));
    const buy = ((100.5 - 100) / 100) * 10_000;
    const sell = ((110 - 109) / 110) * 10_000;
    expect(s.slippage_avg_bps).toBeCloseTo((buy + sell) / 2, 5);
  });

  it('counts refused orders by rule, failing-closed ones by error code; ticks and reduce-only exits are not refusals', () => {
    f = runFixture();
    const s = computeRunSummary({ db: f.ledger.db, mode: 'paper', runId: 'run-1' }, f.ledger.runs.require('run-1'));
    expect(s.rejections_by_rule).toEqual({ 'fail-closed:FACT_MISSING': 1, 'kill-switch': 1, 'max-position-usd': 1 });
  });

  it('reports a run with nothing processed as zero time, no equity and no slippage', () => {
    f = runFixture();
    f.ledger.startRun({ runId: 'run-2' });
    expect(computeRunSummary({ db: f.ledger.db, mode: 'paper', runId: 'run-2' }, f.ledger.runs.require('run-2'))).toMatchObject({
      duration_s: 0, total_trades: 0, market_end: null, final_equity_usd: null, slippage_avg_bps: null, rejections_by_rule: {}, max_drawdown_pct: 0,
    });
  });
});
