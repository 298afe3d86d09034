// The trade sections of `engine report` as an operator reads them on a terminal: strategies, slippage, fees, attribution, closed trades.
import type { ClosedTradeRow, TradeReport } from './trade-report.ts';

const usd = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(6)}`;
const bps = (n: number | null) => (n === null ? '-' : n.toFixed(2));

/** Closed trades printed on a terminal; the JSON and CSV forms list them all. */
export const TEXT_TRADES_SHOWN = 20;

function tradeLine(t: ClosedTradeRow): string {
  return [
    `    ${t.closed_at.slice(0, 19)}Z ${(t.strategy ?? '-').padEnd(16)} ${t.instrument} ${t.direction.padEnd(5)} ${t.quantity}`,
    `${t.entry_price} -> ${t.exit_price}`,
    `net ${usd(t.net_usd)} = edge ${usd(t.edge_usd)} + execution ${usd(t.execution_usd)} + luck ${usd(t.luck_usd)} (fees ${t.fees_usd.toFixed(6)})`,
  ].join('  ');
}

export function formatTradeReport(r: TradeReport): string {
  const lines: string[] = ['  per strategy'];
  const strategies = Object.entries(r.strategies);
  if (strategies.length === 0) lines.push('    none traded');
  for (const [name, s] of strategies) {
    lines.push(`    ${name.padEnd(20)} ${s.fills} fills, ${s.closed_trades} closed trades (${s.winning_trades} won), realized ${usd(s.realized_pnl_usd)} USD, fees ${s.fees_paid_usd.toFixed(6)} USD, net ${usd(s.net_pnl_usd)} USD`);
  }
  const sl = r.slippage;
  lines.push(
    `  slippage      ${sl.fills} fills: avg ${bps(sl.avg_bps)} bps (quantity-weighted), min ${bps(sl.min_bps)}, p50 ${bps(sl.p50_bps)}, p90 ${bps(sl.p90_bps)}, max ${bps(sl.max_bps)}`,
    `                ${sl.buckets.map((b) => `[${b.range}] ${b.fills}`).join(', ')}`,
    `  fees          ${r.fees.total_usd.toFixed(6)} USD: taker ${r.fees.taker_usd.toFixed(6)} (${r.fees.taker_fills} fills), maker ${r.fees.maker_usd.toFixed(6)} (${r.fees.maker_fills} fills), rebates ${r.fees.rebates_usd.toFixed(6)}`,
  );
  const a = r.attribution;
  lines.push(
    `  attribution   ${a.closed_trades} closed trades: net ${usd(a.net_usd)} USD = edge ${usd(a.edge_usd)} + execution ${usd(a.execution_usd)} + luck ${usd(a.luck_usd)} (realized ${usd(a.realized_usd)} before ${a.fees_usd.toFixed(6)} fees)`,
    '                edge: expected at the signal price as declared; execution: fills vs signal prices; luck: the rest of the market move',
  );
  if (!a.books_match) lines.push('  note          the FIFO replay of the fills differs from the booked realized PnL on some fills (a settlement?): attribution is approximate');
  if (r.closed_trades.length > 0) {
    const shown = r.closed_trades.slice(-TEXT_TRADES_SHOWN);
    lines.push(`  closed trades ${shown.length < r.closed_trades.length ? `last ${shown.length} of ${r.closed_trades.length} (--format csv lists all)` : ''}`.trimEnd());
    for (const t of shown) lines.push(tradeLine(t));
  }
  return `${lines.join('\n')}\n`;
}
