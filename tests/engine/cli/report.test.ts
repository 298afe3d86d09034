// Specs for `engine report`: the summary recomputed from the ledger (equal to summary.json), the venue's counts, the trade sections, CSV export, exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runReport, TRADE_CSV_COLUMNS, tradesCsv } from '../../../engine/cli/report.ts';
import type { ClosedTradeRow, TradeReport } from '../../../engine/runtime/trade-report.ts';
import { engine } from '../../helpers/engine-child.ts';
import { CANARY, type SessionEnv, sessionEnv } from '../../helpers/session-env.ts';

let env: SessionEnv;
afterEach(() => env.cleanup());

describe('engine report', () => {
  it("prints summary.json's figures recomputed from the ledger, then the venue's and the ledger's counts", async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      c['strategies'] = [CANARY];
    });
    await env.run({ config, mode: 'backtest', runDir: 'run', durationS: 7200 });
    const summary = JSON.parse(readFileSync(join(env.dir, 'run', 'summary.json'), 'utf8')) as Record<string, unknown>;
    const json = await runReport({ runDir: 'run', format: 'json' }, env.dir);
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      ...Object.keys(summary), 'venue_orders_received', 'venue_distinct_client_order_ids', 'venue_fills', 'ledger_orders', 'ledger_orders_not_sent', 'ledger_fills',
      'strategies', 'slippage', 'fees', 'attribution', 'closed_trades',
    ]);
    expect(Object.fromEntries(Object.keys(summary).map((k) => [k, report[k]]))).toEqual(summary);
    expect(report['venue_fills']).toBe(summary['total_trades']);
    const text = await runReport({ runDir: 'run', format: 'text' }, env.dir);
    expect(text.stdout).toMatch(/^run backtest-\S+ \(backtest\): 7,200 s of market time/);
    expect(text.stdout).toMatch(/venue {9}\d+ orders received, \d+ distinct client order ids, \d+ fills/);
    expect(text.stdout).toMatch(/ledger {8}\d+ orders, \d+ fills/);
    expect(text.stdout).toMatch(/^ {4}canary +\d+ fills, \d+ closed trades/m);
    expect(text.stdout).toMatch(/attribution +\d+ closed trades: net [+-][\d.]+ USD = edge [+-][\d.]+ \+ execution [+-][\d.]+ \+ luck [+-][\d.]+/);
  });

  it('exports the closed trades with their attribution as RFC 4180 CSV, one row per trade of the JSON', async () => {
    env = sessionEnv();
    const config = env.config((c) => {
      c['strategies'] = [CANARY];
    });
    await env.run({ config, mode: 'backtest', runDir: 'run', durationS: 7200 });
    const json = JSON.parse((await runReport({ runDir: 'run', format: 'json' }, env.dir)).stdout) as { closed_trades: Record<string, unknown>[] };
    const csv = await runReport({ runDir: 'run', format: 'csv' }, env.dir);
    expect(csv.exitCode).toBe(0);
    expect(csv.stdout.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = csv.stdout.slice(0, -2).split('\r\n');
    expect(header).toBe(TRADE_CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(json.closed_trades.length);
    expect(rows.length).toBeGreaterThan(0);
    const cells = rows.map((r) => r.split(','));
    const col = (name: string) => TRADE_CSV_COLUMNS.indexOf(name as never);
    for (const [i, row] of cells.entries()) {
      expect(row).toHaveLength(TRADE_CSV_COLUMNS.length);
      expect(row[col('exit_client_order_id')]).toBe(json.closed_trades[i]!['exit_client_order_id']);
      const m = (name: string) => Math.round(Number(row[col(name)]) * 1e6);
      expect(m('edge_usd') + m('execution_usd') + m('luck_usd')).toBe(m('realized_usd') - m('fees_usd'));
    }
  });

  it('quotes CSV cells that hold commas, quotes or line breaks', () => {
    const row: ClosedTradeRow = {
      strategy: 'my "fast",\nstrategy', instrument: 'BTC-USD', leg: 'outright', direction: 'long', quantity: 0.001,
      opened_at: '2018-04-04T00:34:00.000Z', closed_at: '2018-04-04T00:43:00.000Z', entry_client_order_id: 'tg-a', exit_client_order_id: null,
      entry_price: 100, exit_price: 101, entry_signal_price: 100, exit_signal_price: null, edge_bps: 10,
      realized_usd: 0.001, fees_usd: 0.0001, net_usd: 0.0009, edge_usd: 0.0001, execution_usd: -0.0002, luck_usd: 0.001,
    };
    const report: TradeReport = {
      strategies: {}, closed_trades: [row],
      slippage: { fills: 0, avg_bps: null, min_bps: null, p50_bps: null, p90_bps: null, max_bps: null, buckets: [] },
      fees: { total_usd: 0, maker_usd: 0, taker_usd: 0, rebates_usd: 0, maker_fills: 0, taker_fills: 0 },
      attribution: { closed_trades: 1, realized_usd: 0, fees_usd: 0, net_usd: 0, edge_usd: 0, execution_usd: 0, luck_usd: 0, books_match: true },
    };
    const csv = tradesCsv(report);
    expect(csv).toBe(`${TRADE_CSV_COLUMNS.join(',')}\r\n"my ""fast"",\nstrategy",BTC-USD,outright,long,0.001,2018-04-04T00:34:00.000Z,2018-04-04T00:43:00.000Z,tg-a,,100,101,100,,10,0.001,0.0001,0.0009,0.0001,-0.0002,0.001\r\n`);
  });

  it('exits 1 for a folder that holds no run, and 2 without --run-dir (child process)', async () => {
    env = sessionEnv();
    const none = await runReport({ runDir: 'nothing-here', format: 'json' }, env.dir);
    expect(none).toMatchObject({ exitCode: 1, stdout: '' });
    expect(none.stderr).toContain('SESSION_RUN_DIR_INVALID');
    const usage = await engine(env.dir, ['report']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--run-dir <dir>'");
  });
});
