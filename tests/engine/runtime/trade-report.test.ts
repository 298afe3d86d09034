// Specs for the trade sections of a report: PnL per strategy, slippage distribution, fees, attribution, on a hand-made run and a real backtest.
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerFileFor } from '../../../engine/ledger/database.ts';
import { openLedger } from '../../../engine/ledger/ledger.ts';
import { MIGRATIONS } from '../../../engine/ledger/migrations.ts';
import { systemClock } from '../../../engine/clock.ts';
import { readRunManifest } from '../../../engine/runtime/run-files.ts';
import { computeRunSummary } from '../../../engine/runtime/run-summary.ts';
import { readTradeReport, tradeReport } from '../../../engine/runtime/trade-report.ts';
import { ledgerContents } from '../../helpers/ledger-file-state.ts';
import { type RunFixture, runFixture } from '../../helpers/run-fixture.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';
import { fill, T0, tempLedgers } from '../../helpers/temp-ledger.ts';

const micros = (usd: number) => Math.round(usd * 1e6);

describe('tradeReport on a hand-made run', () => {
  let f: RunFixture;
  afterEach(() => f.env.cleanup());

  it('reports the run’s one round trip, per strategy, by liquidity and by slippage bucket, and nothing of another run', () => {
    f = runFixture();
    const r = tradeReport({ db: f.ledger.db, mode: 'paper', runId: 'run-1' });
    expect(r.strategies).toEqual({ canary: { fills: 2, realized_pnl_usd: 8.5, fees_paid_usd: 0.1, net_pnl_usd: 8.4, closed_trades: 1, winning_trades: 1 } });
    expect(r.fees).toEqual({ total_usd: 0.1, maker_usd: 0, taker_usd: 0.1, rebates_usd: 0, maker_fills: 0, taker_fills: 2 });
    // The buy 50 bps over the ask, the sell 90.9 bps under the bid.
    expect(r.slippage).toMatchObject({ fills: 2, p50_bps: 50, max_bps: 90.909091 });
    expect(r.slippage.buckets.at(-1)).toEqual({ range: '>= 10', fills: 2 });
    expect(r.closed_trades).toHaveLength(1);
    // No signal price was recorded: nothing is execution, nothing was declared, all of the net is luck.
    expect(r.closed_trades[0]).toMatchObject({
      strategy: 'canary', instrument: 'BTC-USD', direction: 'long', quantity: 1, entry_price: 100.5, exit_price: 109,
      entry_client_order_id: 'buy-1', exit_client_order_id: 'sell-1', entry_signal_price: null, edge_bps: null,
      realized_usd: 8.5, fees_usd: 0.1, net_usd: 8.4, edge_usd: 0, execution_usd: 0, luck_usd: 8.4,
    });
    expect(r.attribution).toEqual({ closed_trades: 1, realized_usd: 8.5, fees_usd: 0.1, net_usd: 8.4, edge_usd: 0, execution_usd: 0, luck_usd: 8.4, books_match: true });
  });
});

describe('tradeReport on a real backtest', () => {
  let env: SessionEnv;
  afterEach(() => env.cleanup());

  it('agrees with the summary, and every closed trade’s edge + execution + luck is its realized PnL after fees to the micro-dollar', async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      c['strategies'] = [CANARY];
    });
    const { result } = await env.run({ config, mode: 'backtest', runDir: 'run', durationS: 4 * 3600 });
    const ledger = openLedger({ dataDir: readRunManifest(result.runDir)!.data_dir, mode: 'backtest', clock: systemClock });
    try {
      const key = { db: ledger.db, mode: 'backtest' as const, runId: result.runId };
      const summary = computeRunSummary(key, ledger.runs.require(result.runId));
      const r = tradeReport(key);
      expect(r.closed_trades.length).toBeGreaterThanOrEqual(3);
      expect(r.attribution.books_match).toBe(true);
      // Realized PnL is booked only when a lot closes: every micro-dollar of it belongs to a closed trade.
      expect(micros(r.attribution.realized_usd)).toBe(micros(summary.realized_pnl_usd));
      expect(micros(r.fees.total_usd)).toBe(micros(summary.fees_paid_usd));
      expect(r.slippage.avg_bps).toBe(summary.slippage_avg_bps);
      expect(r.slippage.buckets.reduce((s, b) => s + b.fills, 0)).toBe(r.slippage.fills);
      const strategies = Object.values(r.strategies);
      expect(micros(strategies.reduce((s, x) => s + x.realized_pnl_usd, 0))).toBe(micros(summary.realized_pnl_usd));
      expect(strategies.reduce((s, x) => s + x.fills, 0)).toBe(summary.total_trades);
      for (const t of r.closed_trades) {
        expect(micros(t.edge_usd) + micros(t.execution_usd) + micros(t.luck_usd)).toBe(micros(t.realized_usd) - micros(t.fees_usd));
        expect(micros(t.net_usd)).toBe(micros(t.realized_usd) - micros(t.fees_usd));
        // The canary declares 10 bps: the edge is 10 bps of the quantity at the entry signal price.
        expect(t.edge_bps).toBeCloseTo(10, 6);
        expect(t.edge_usd).toBeCloseTo((10 * t.quantity * t.entry_signal_price!) / 10_000, 6);
        expect(t.exit_signal_price).not.toBeNull();
      }
    } finally {
      ledger.close();
    }
  });
});

describe('readTradeReport', () => {
  it("reads the run's ledger read-only: no wait for its session's open write transaction, no migration of an older engine's ledger", () => {
    const env = tempLedgers(T0);
    try {
      const session = env.open({ migrations: MIGRATIONS.slice(0, 2) });
      const trade = (cid: string, side: 'buy' | 'sell', price: number) => {
        session.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side, orderType: 'limit', qty: 1, limitPrice: price, strategy: 'canary', runId: 'run-1' });
        session.applyFill(fill('BTC-USD', side, 1, price, { clientOrderId: cid }));
      };
      session.deposit(1_000);
      session.startRun({ runId: 'run-1' });
      trade('buy-1', 'buy', 100);
      session.db.exec('BEGIN IMMEDIATE');
      trade('sell-1', 'sell', 110);
      // A reader that needed the write lock would wait out the busy timeout, then fail with SQLITE_BUSY.
      const r = readTradeReport({ data_dir: env.dir, mode: 'paper', run_id: 'run-1' });
      expect(r.closed_trades).toEqual([]);
      session.db.exec('COMMIT');
      expect(readTradeReport({ data_dir: env.dir, mode: 'paper', run_id: 'run-1' }).closed_trades).toHaveLength(1);
      expect(ledgerContents(ledgerFileFor(env.dir, 'paper')).versions).toEqual([1, 2]);
    } finally {
      env.cleanup();
    }
  });
});
