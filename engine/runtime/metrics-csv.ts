// metrics.csv: the run as a time series, one row per processed market event, rebuilt from the ledger's marks, orders, fills and decisions.
import { microsToUsd } from '../ledger/money.ts';
import { isRejection, type RunKey, runDecisions, runFills, runMarks, runOrders } from './run-records.ts';

export const METRICS_COLUMNS = ['ts', 'equity', 'cash', 'position', 'drawdown', 'orders', 'fills', 'rejections'] as const;

/** How many of `times` (ascending) are at or before `ts`, advancing a cursor: one pass over each list. */
function counter(times: readonly number[]): (ts: number) => number {
  let i = 0;
  return (ts) => {
    while (i < times.length && times[i]! <= ts) i++;
    return i;
  };
}

/**
 * Columns: ts (ISO 8601, market time), equity, cash and position (marked value of open positions) in
 * USD, drawdown (fraction below the running peak of equity), and orders, fills and rejections so far
 * in the run. Rebuilt from the ledger, so a run that was killed and resumed still gives one series.
 */
export function metricsCsv(key: RunKey, startEquityMicros: number | null): string {
  const asc = (xs: number[]) => xs.sort((a, b) => a - b);
  const orders = counter(asc(runOrders(key).map((o) => o.createdAtMs)));
  const fills = counter(asc(runFills(key).map((f) => f.recordedAtMs)));
  const rejections = counter(asc(runDecisions(key).filter(isRejection).map((d) => d.tsMs)));
  const lines: string[] = [METRICS_COLUMNS.join(',')];
  let peak = startEquityMicros ?? Number.NEGATIVE_INFINITY;
  for (const m of runMarks(key)) {
    peak = Math.max(peak, m.equityMicros);
    const drawdown = peak > 0 ? (peak - m.equityMicros) / peak : 0;
    lines.push([
      new Date(m.tsMs).toISOString(),
      microsToUsd(m.equityMicros),
      microsToUsd(m.cashMicros),
      microsToUsd(m.positionsValueMicros),
      Math.round(drawdown * 1e8) / 1e8,
      orders(m.tsMs),
      fills(m.tsMs),
      rejections(m.tsMs),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}
