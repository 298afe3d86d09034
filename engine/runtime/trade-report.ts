// What `engine report` adds to the summary: PnL per strategy, the slippage distribution, fees by liquidity, and each closed trade's attribution.
import { systemClock } from '../clock.ts';
import { openLedger } from '../ledger/ledger.ts';
import { microsToUsd } from '../ledger/money.ts';
import type { Mode } from '../types.ts';
import { attributeTrades, type TradeAttribution } from './attribution.ts';
import { type RunKey, runDecisions, runFills } from './run-records.ts';
import { averageSlippageBps, fillSlippages } from './run-summary.ts';
import { modeFills, orderReferences, type ReportFill } from './trade-records.ts';

export interface StrategyPnl {
  readonly fills: number;
  /** FIFO realized PnL booked on the strategy's fills (on its exits), before fees. */
  readonly realized_pnl_usd: number;
  readonly fees_paid_usd: number;
  readonly net_pnl_usd: number;
  /** Closed trades the strategy opened that closed in this run. */
  readonly closed_trades: number;
  /** Of those, the ones with a positive net (after fees). */
  readonly winning_trades: number;
}

export interface SlippageBucket {
  readonly range: string;
  readonly fills: number;
}

export interface SlippageReport {
  readonly fills: number;
  /** Quantity-weighted, as in the summary. */
  readonly avg_bps: number | null;
  /** By fill (each fill counts once), nearest rank. */
  readonly min_bps: number | null;
  readonly p50_bps: number | null;
  readonly p90_bps: number | null;
  readonly max_bps: number | null;
  readonly buckets: readonly SlippageBucket[];
}

export interface FeeReport {
  readonly total_usd: number;
  readonly maker_usd: number;
  readonly taker_usd: number;
  /** Maker rebates received (negative fees), as a positive amount; already netted in maker_usd and total_usd. */
  readonly rebates_usd: number;
  readonly maker_fills: number;
  readonly taker_fills: number;
}

/** One closed trade as the report prints it (USD; the identity edge + execution + luck = net holds to the micro-dollar). */
export interface ClosedTradeRow {
  readonly strategy: string | null;
  readonly instrument: string;
  readonly leg: string;
  readonly direction: 'long' | 'short';
  readonly quantity: number;
  readonly opened_at: string;
  readonly closed_at: string;
  readonly entry_client_order_id: string | null;
  readonly exit_client_order_id: string | null;
  readonly entry_price: number;
  readonly exit_price: number;
  readonly entry_signal_price: number | null;
  readonly exit_signal_price: number | null;
  readonly edge_bps: number | null;
  readonly realized_usd: number;
  readonly fees_usd: number;
  readonly net_usd: number;
  readonly edge_usd: number;
  readonly execution_usd: number;
  readonly luck_usd: number;
}

export interface AttributionTotals {
  readonly closed_trades: number;
  readonly realized_usd: number;
  readonly fees_usd: number;
  readonly net_usd: number;
  readonly edge_usd: number;
  readonly execution_usd: number;
  readonly luck_usd: number;
  /** Replaying FIFO over the fills gave the realized PnL the ledger booked on every fill (false after a settlement). */
  readonly books_match: boolean;
}

export interface TradeReport {
  readonly strategies: Readonly<Record<string, StrategyPnl>>;
  readonly slippage: SlippageReport;
  readonly fees: FeeReport;
  readonly attribution: AttributionTotals;
  readonly closed_trades: readonly ClosedTradeRow[];
}

/** Edges of the slippage histogram in bps: below -10, -10 to -5, ..., 10 and above. */
const BUCKET_EDGES = [-10, -5, -1, 1, 5, 10] as const;
const r6 = (n: number) => Math.round(n * 1e6) / 1e6;

function bucketsOf(values: readonly number[]): SlippageBucket[] {
  const labels = [`< ${BUCKET_EDGES[0]}`, ...BUCKET_EDGES.slice(1).map((e, i) => `${BUCKET_EDGES[i]} to ${e}`), `>= ${BUCKET_EDGES.at(-1)}`];
  const counts = labels.map(() => 0);
  for (const v of values) {
    const i = BUCKET_EDGES.findIndex((e) => v < e);
    counts[i === -1 ? labels.length - 1 : i]! += 1;
  }
  return labels.map((range, i) => ({ range, fills: counts[i]! }));
}

function slippageReport(key: RunKey): SlippageReport {
  const slips = fillSlippages(runFills(key), runDecisions(key));
  const sorted = slips.map((s) => s.bps).sort((a, b) => a - b);
  const rank = (p: number) => (sorted.length === 0 ? null : r6(sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!));
  return {
    fills: slips.length,
    avg_bps: averageSlippageBps(slips),
    min_bps: sorted.length === 0 ? null : r6(sorted[0]!),
    p50_bps: rank(0.5),
    p90_bps: rank(0.9),
    max_bps: sorted.length === 0 ? null : r6(sorted.at(-1)!),
    buckets: bucketsOf(sorted),
  };
}

function feeReport(fills: readonly ReportFill[]): FeeReport {
  const sum = (xs: readonly ReportFill[]) => xs.reduce((s, f) => s + f.feeMicros, 0);
  const maker = fills.filter((f) => f.liquidity === 'maker');
  const taker = fills.filter((f) => f.liquidity === 'taker');
  return {
    total_usd: microsToUsd(sum(fills)),
    maker_usd: microsToUsd(sum(maker)),
    taker_usd: microsToUsd(sum(taker)),
    rebates_usd: microsToUsd(fills.reduce((s, f) => s + Math.max(0, -f.feeMicros), 0)),
    maker_fills: maker.length,
    taker_fills: taker.length,
  };
}

function strategyPnl(fills: readonly ReportFill[], trades: readonly TradeAttribution[]): Record<string, StrategyPnl> {
  const names = [...new Set([...fills.map((f) => f.strategy ?? '(none)'), ...trades.map((t) => t.strategy ?? '(none)')])].sort();
  return Object.fromEntries(names.map((name) => {
    const own = fills.filter((f) => (f.strategy ?? '(none)') === name);
    const closed = trades.filter((t) => (t.strategy ?? '(none)') === name);
    const realized = own.reduce((s, f) => s + f.realizedMicros, 0);
    const fees = own.reduce((s, f) => s + f.feeMicros, 0);
    return [name, {
      fills: own.length,
      realized_pnl_usd: microsToUsd(realized),
      fees_paid_usd: microsToUsd(fees),
      net_pnl_usd: microsToUsd(realized - fees),
      closed_trades: closed.length,
      winning_trades: closed.filter((t) => t.netMicros > 0).length,
    }];
  }));
}

export function tradeRow(t: TradeAttribution): ClosedTradeRow {
  const qty = t.qtyE8 / 1e8;
  return {
    strategy: t.strategy,
    instrument: t.instrument,
    leg: t.leg,
    direction: t.direction,
    quantity: qty,
    opened_at: new Date(t.openedAtMs).toISOString(),
    closed_at: new Date(t.closedAtMs).toISOString(),
    entry_client_order_id: t.entryClientOrderId,
    exit_client_order_id: t.exitClientOrderId,
    entry_price: r6(microsToUsd(t.entryCostMicros) / qty),
    exit_price: r6(microsToUsd(t.exitCashMicros) / qty),
    entry_signal_price: t.entrySignalPrice,
    exit_signal_price: t.exitSignalPrice,
    edge_bps: t.edgeBps === null ? null : r6(t.edgeBps),
    realized_usd: microsToUsd(t.realizedMicros),
    fees_usd: microsToUsd(t.feesMicros),
    net_usd: microsToUsd(t.netMicros),
    edge_usd: microsToUsd(t.edgeMicros),
    execution_usd: microsToUsd(t.executionMicros),
    luck_usd: microsToUsd(t.luckMicros),
  };
}

function totals(trades: readonly TradeAttribution[], booksMatch: boolean): AttributionTotals {
  const sum = (f: (t: TradeAttribution) => number) => microsToUsd(trades.reduce((s, t) => s + f(t), 0));
  return {
    closed_trades: trades.length,
    realized_usd: sum((t) => t.realizedMicros),
    fees_usd: sum((t) => t.feesMicros),
    net_usd: sum((t) => t.netMicros),
    edge_usd: sum((t) => t.edgeMicros),
    execution_usd: sum((t) => t.executionMicros),
    luck_usd: sum((t) => t.luckMicros),
    books_match: booksMatch,
  };
}

/** The trade sections of one run's report, from its ledger alone. */
export function tradeReport(key: RunKey): TradeReport {
  const all = modeFills(key.db, key.mode);
  const ids = new Set(all.flatMap((f) => (f.clientOrderId === null ? [] : [f.clientOrderId])));
  const { trades, mismatchedFillIds } = attributeTrades(all, orderReferences(key.db, key.mode, ids));
  const runTrades = trades.filter((t) => t.runId === key.runId);
  const runFillsOnly = all.filter((f) => f.runId === key.runId);
  return {
    strategies: strategyPnl(runFillsOnly, runTrades),
    slippage: slippageReport(key),
    fees: feeReport(runFillsOnly),
    attribution: totals(runTrades, mismatchedFillIds.length === 0),
    closed_trades: runTrades.map(tradeRow),
  };
}

/** Opens the run's ledger read-only (its session may still be running), reads the trade sections, and closes it again. */
export function readTradeReport(run: { readonly data_dir: string; readonly mode: Mode; readonly run_id: string; readonly allow_live_database?: boolean }): TradeReport {
  const ledger = openLedger({ dataDir: run.data_dir, mode: run.mode, clock: systemClock, allowLiveFile: run.allow_live_database === true, readOnly: true });
  try {
    return tradeReport({ db: ledger.db, mode: run.mode, runId: run.run_id });
  } finally {
    ledger.close();
  }
}
