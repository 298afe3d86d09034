// The run summary as an operator reads it on a terminal, with the venue's own counts beside the ledger's when known.
import type { RunSummary } from './run-summary.ts';

/** What the venue itself counted beside what the ledger holds: a duplicate submission or a lost fill shows as a difference. */
export interface VenueCounts {
  readonly venue_orders_received: number | null;
  readonly venue_distinct_client_order_ids: number | null;
  readonly venue_fills: number | null;
  readonly ledger_orders: number;
  readonly ledger_fills: number;
}

const usd = (n: number | null) => (n === null ? '-' : `${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} USD`);

export function formatSummary(s: RunSummary, counts?: VenueCounts, files?: readonly string[]): string {
  const rejections = Object.entries(s.rejections_by_rule);
  const pnl = s.final_equity_usd !== null && s.start_equity_usd !== null ? s.final_equity_usd - s.start_equity_usd : null;
  const lines = [
    `run ${s.run_id} (${s.mode}): ${s.duration_s.toLocaleString('en-US')} s of market time, ${s.market_start} to ${s.market_end ?? '-'}`,
    `  equity        ${usd(s.start_equity_usd)} -> ${usd(s.final_equity_usd)} (${pnl === null ? '-' : `${pnl >= 0 ? '+' : ''}${pnl.toFixed(2)}`})`,
    `  trades        ${s.total_trades} fills from ${s.total_orders} orders (${s.open_orders} still open)`,
    `  realized PnL  ${usd(s.realized_pnl_usd)} before ${usd(s.fees_paid_usd)} of fees`,
    `  max drawdown  ${s.max_drawdown_pct.toFixed(3)}%`,
    `  slippage      ${s.slippage_avg_bps === null ? '-' : `${s.slippage_avg_bps.toFixed(2)} bps past the touch (quantity-weighted)`}`,
    `  rejections    ${rejections.length === 0 ? 'none' : rejections.map(([rule, n]) => `${rule} ${n}`).join(', ')}`,
  ];
  if (counts) {
    const v = (n: number | null) => (n === null ? 'n/a' : String(n));
    lines.push(
      `  venue         ${v(counts.venue_orders_received)} orders received, ${v(counts.venue_distinct_client_order_ids)} distinct client order ids, ${v(counts.venue_fills)} fills`,
      `  ledger        ${counts.ledger_orders} orders, ${counts.ledger_fills} fills`,
    );
  }
  if (files && files.length > 0) lines.push(`  files         ${files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
