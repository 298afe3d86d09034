// The session summary (summary.json, `engine report`), computed from the ledger alone so a file and a recomputation always agree.
import { microsToUsd } from '../ledger/money.ts';
import type { RunRecord } from '../ledger/run-repository.ts';
import { directionOfSide } from '../ledger/legs.ts';
import { isRejection, type RunDecision, type RunFill, type RunKey, type RunMark, runDecisions, runFills, runMarks, runOrders } from './run-records.ts';

export interface RunSummary {
  readonly run_id: string;
  readonly mode: string;
  /** Market time from the run's start to the last event it processed. */
  readonly duration_s: number;
  readonly market_start: string;
  readonly market_end: string | null;
  /** Fills booked for the run's orders. */
  readonly total_trades: number;
  readonly total_orders: number;
  /** Orders of the run still live (not filled, canceled, rejected, expired or failed) at the time of the summary. */
  readonly open_orders: number;
  /** FIFO realized PnL of the run's fills, before fees. */
  readonly realized_pnl_usd: number;
  /** Fees of the run's fills; maker rebates count negative. */
  readonly fees_paid_usd: number;
  /** Largest fall of marked equity from its running peak, in percent. */
  readonly max_drawdown_pct: number;
  /** Quantity-weighted: how far fills landed past the touch the gate saw, in bps (negative = better than the touch); null without fills. */
  readonly slippage_avg_bps: number | null;
  /** Orders the gate refused, by the rule that refused them (`fail-closed:<code>` when a fact could not be read). */
  readonly rejections_by_rule: Readonly<Record<string, number>>;
  readonly start_equity_usd: number | null;
  readonly final_equity_usd: number | null;
}

const LIVE_STATES = new Set(['pending_submit', 'submitted', 'partially_filled', 'unknown']);

/** Rounded to 1e-6 so the JSON reads well; every figure is computed the same way each time, so the rounding never disagrees. */
const r6 = (n: number) => Math.round(n * 1e6) / 1e6;

function maxDrawdownPct(marks: readonly RunMark[], startMicros: number | null): number {
  let peak = startMicros ?? Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const m of marks) {
    peak = Math.max(peak, m.equityMicros);
    if (peak > 0) worst = Math.max(worst, (peak - m.equityMicros) / peak);
  }
  return r6(worst * 100);
}

/** How far one fill landed past the touch its order's allowed decision saw, in bps (negative = better than the touch). */
export interface FillSlippage {
  readonly fillId: number;
  readonly bps: number;
  readonly qtyE8: number;
}

/** Adverse distance of each fill from the touch its order's allowed decision saw (buys vs the ask, sells vs the bid); fills without one are left out. */
export function fillSlippages(fills: readonly RunFill[], decisions: readonly RunDecision[]): FillSlippage[] {
  const touch = new Map<string, { bid: number; ask: number }>();
  for (const d of decisions) {
    if (d.clientOrderId === null || isRejection(d) || (d.appliesTo !== 'entry' && d.appliesTo !== 'exit')) continue;
    const facts = JSON.parse(d.factsJson) as Record<string, unknown>;
    const bid = facts['market.bid'];
    const ask = facts['market.ask'];
    if (typeof bid === 'number' && typeof ask === 'number') touch.set(d.clientOrderId, { bid, ask });
  }
  const out: FillSlippage[] = [];
  for (const f of fills) {
    const t = touch.get(f.clientOrderId);
    if (!t) continue;
    const buy = directionOfSide(f.side) === 'buy';
    const ref = buy ? t.ask : t.bid;
    if (!(ref > 0)) continue;
    out.push({ fillId: f.id, bps: ((buy ? f.price - ref : ref - f.price) / ref) * 10_000, qtyE8: f.qtyE8 });
  }
  return out;
}

/** Quantity-weighted average of the fills' slippage; null without fills. */
export function averageSlippageBps(slippages: readonly FillSlippage[]): number | null {
  let weighted = 0;
  let qty = 0;
  for (const s of slippages) {
    weighted += s.bps * s.qtyE8;
    qty += s.qtyE8;
  }
  return qty === 0 ? null : r6(weighted / qty);
}

export function rejectionsByRule(decisions: readonly RunDecision[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of decisions) {
    if (!isRejection(d)) continue;
    const keys = d.violations.length > 0 ? [...new Set(d.violations.map((v) => v.ruleId))] : [...new Set(d.errors.map((e) => `fail-closed:${e.code}`))];
    for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Everything from the ledger: the same ledger gives the same summary, before or after a restart. */
export function computeRunSummary(key: RunKey, run: RunRecord): RunSummary {
  const fills = runFills(key);
  const orders = runOrders(key);
  const decisions = runDecisions(key);
  const marks = runMarks(key);
  const last = marks[marks.length - 1];
  const sum = (f: (x: RunFill) => number) => fills.reduce((s, x) => s + f(x), 0);
  return {
    run_id: run.runId,
    mode: run.mode,
    duration_s: last ? (last.tsMs - run.startedAtMs) / 1000 : 0,
    market_start: new Date(run.startedAtMs).toISOString(),
    market_end: last ? new Date(last.tsMs).toISOString() : null,
    total_trades: fills.length,
    total_orders: orders.length,
    open_orders: orders.filter((o) => LIVE_STATES.has(o.state)).length,
    realized_pnl_usd: microsToUsd(sum((f) => f.realizedMicros)),
    fees_paid_usd: microsToUsd(sum((f) => f.feeMicros)),
    max_drawdown_pct: maxDrawdownPct(marks, run.startEquityMicros),
    slippage_avg_bps: averageSlippageBps(fillSlippages(fills, decisions)),
    rejections_by_rule: rejectionsByRule(decisions),
    start_equity_usd: run.startEquityMicros === null ? null : microsToUsd(run.startEquityMicros),
    final_equity_usd: last ? microsToUsd(last.equityMicros) : null,
  };
}
