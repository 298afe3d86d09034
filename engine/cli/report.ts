// `engine report --run-dir DIR`: the run's summary recomputed from its ledger, the venue's counts, PnL per strategy, slippage, fees and each closed trade's attribution.
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { TradegateError } from '../errors.ts';
import { type RunReport, reportRun } from '../main.ts';
import { formatSummary } from '../runtime/format-summary.ts';
import { formatTradeReport } from '../runtime/format-trade-report.ts';
import { readRunManifest } from '../runtime/run-files.ts';
import { type ClosedTradeRow, readTradeReport, type TradeReport } from '../runtime/trade-report.ts';
import { toCsv } from '../server/csv.ts';
import { type CommandModule, EXIT } from './command.ts';

export interface ReportOptions {
  readonly runDir: string;
  readonly format: 'text' | 'json' | 'csv';
}

export interface ReportOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The columns of `--format csv`: one row per closed trade, in the order the trades closed. */
export const TRADE_CSV_COLUMNS: readonly (keyof ClosedTradeRow)[] = [
  'strategy', 'instrument', 'leg', 'direction', 'quantity', 'opened_at', 'closed_at', 'entry_client_order_id', 'exit_client_order_id',
  'entry_price', 'exit_price', 'entry_signal_price', 'exit_signal_price', 'edge_bps',
  'realized_usd', 'fees_usd', 'net_usd', 'edge_usd', 'execution_usd', 'luck_usd',
];

/**
 * The JSON form: exactly summary.json's keys, then the counts (a duplicate submission or a lost fill
 * shows as a difference), then the trade sections.
 */
export function reportJson(report: RunReport, trades?: TradeReport): Record<string, unknown> {
  return { ...report.summary, ...report.counts, ...(trades ?? {}) };
}

export function tradesCsv(trades: TradeReport): string {
  return toCsv(TRADE_CSV_COLUMNS, trades.closed_trades.map((t) => TRADE_CSV_COLUMNS.map((c) => t[c])));
}

export async function runReport(o: ReportOptions, cwd: string = process.cwd()): Promise<ReportOutput> {
  try {
    const report = await reportRun(cwd, o.runDir);
    // reportRun has checked that the run directory names a run in an existing ledger.
    const manifest = readRunManifest(resolve(cwd, o.runDir))!;
    const trades = readTradeReport(manifest);
    const stdout =
      o.format === 'json' ? `${JSON.stringify(reportJson(report, trades), null, 2)}\n`
      : o.format === 'csv' ? tradesCsv(trades)
      : `${formatSummary(report.summary, report.counts)}${formatTradeReport(trades)}`;
    return { exitCode: EXIT.ok, stdout, stderr: '' };
  } catch (error) {
    if (error instanceof TradegateError) return { exitCode: EXIT.problems, stdout: '', stderr: `${error.code}: ${error.message}\n` };
    throw error;
  }
}

export const reportCommand: CommandModule = {
  register(program: Command): void {
    program
      .command('report')
      .description(
        "Print a run's summary recomputed from the ledger, the venue's own counts (orders received, distinct client order ids, fills) beside the ledger's, " +
          'PnL per strategy, rejections by rule, slippage, fees, and each closed trade split into edge, execution and luck. ' +
          '--format csv prints the closed trades with their attribution. Exit 0 ok, 1 no such run, 2 usage error.',
      )
      .requiredOption('--run-dir <dir>', 'the run directory (it holds run.json)')
      .addOption(new Option('--format <format>', 'output format (csv: the closed trades)').choices(['text', 'json', 'csv']).default('text'))
      .action(async (opts: ReportOptions) => {
        const out = await runReport(opts);
        process.stdout.write(out.stdout);
        process.stderr.write(out.stderr);
        process.exitCode = out.exitCode;
      });
  },
};
