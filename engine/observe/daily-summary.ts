// The daily summary of one UTC day from the ledger (fills, fees, realized PnL, decisions, top rejecting rules, equity) and its alert text.
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { microsToUsd } from '../ledger/money.ts';
import type { KillLevel } from '../types.ts';
import type { AlertSink } from './alert-wiring.ts';
import type { Alert } from './alerts.ts';
import { isRejecting } from './metrics-wiring.ts';

export const DAY_MS = 86_400_000;

/** The ledger as the summary reads it. */
export type SummaryLedger = Pick<Ledger, 'fills' | 'decisions' | 'equity' | 'breaker' | 'openPositions'>;

export interface DailySummary {
  /** YYYY-MM-DD, UTC. */
  readonly day: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly fills: number;
  readonly notionalUsd: number;
  readonly feesUsd: number;
  readonly realizedPnlUsd: number;
  readonly decisions: number;
  /** Decisions whose outcome was not allow. */
  readonly refused: number;
  readonly topRules: readonly { readonly ruleId: string; readonly count: number }[];
  readonly equityStartUsd: number | null;
  readonly equityEndUsd: number | null;
  readonly openPositions: number;
  readonly breakerTripped: boolean;
}

/** The UTC day that ended most recently before `nowMs`: the job runs just after midnight and reports the day before. */
export function previousUtcDay(nowMs: number): { readonly day: string; readonly fromMs: number; readonly toMs: number } {
  const toMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const fromMs = toMs - DAY_MS;
  return { day: new Date(fromMs).toISOString().slice(0, 10), fromMs, toMs };
}

function round2(usd: number): number {
  return Math.round(usd * 100) / 100;
}

export function dailySummary(ledger: SummaryLedger, nowMs: number, topN = 5): DailySummary {
  const { day, fromMs, toMs } = previousUtcDay(nowMs);
  const fills = ledger.fills.all().filter((f) => f.venueTsMs >= fromMs && f.venueTsMs < toMs);
  const decisions = ledger.decisions.list({ sinceMs: fromMs, untilMs: toMs, limit: Number.MAX_SAFE_INTEGER });
  const byRule = new Map<string, number>();
  for (const d of decisions) {
    for (const v of d.violations) if (isRejecting(v.action)) byRule.set(v.ruleId, (byRule.get(v.ruleId) ?? 0) + 1);
  }
  const topRules = [...byRule.entries()]
    .map(([ruleId, count]) => ({ ruleId, count }))
    .sort((a, b) => b.count - a.count || a.ruleId.localeCompare(b.ruleId))
    .slice(0, topN);
  const start = ledger.equity.dayStart(day);
  const end = ledger.equity.between(fromMs, toMs).at(-1);
  return {
    day,
    fromMs,
    toMs,
    fills: fills.length,
    notionalUsd: round2(fills.reduce((s, f) => s + Math.abs(f.notionalUsd), 0)),
    feesUsd: round2(fills.reduce((s, f) => s + f.feeUsd, 0)),
    realizedPnlUsd: round2(fills.reduce((s, f) => s + f.realizedPnlUsd, 0)),
    decisions: decisions.length,
    refused: decisions.filter((d) => d.outcome !== 'allow').length,
    topRules,
    equityStartUsd: start ? microsToUsd(start.equityMicros) : null,
    equityEndUsd: end ? microsToUsd(end.equityMicros) : null,
    openPositions: ledger.openPositions().length,
    breakerTripped: ledger.breaker.isTripped(),
  };
}

function usd(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(2)} USD`;
}

export function dailySummaryAlert(s: DailySummary, killLevel: KillLevel): Alert {
  const change = s.equityStartUsd !== null && s.equityEndUsd !== null ? ` (${s.equityEndUsd - s.equityStartUsd >= 0 ? '+' : ''}${(s.equityEndUsd - s.equityStartUsd).toFixed(2)})` : '';
  const rules = s.topRules.length === 0 ? 'none' : s.topRules.map((r) => `${r.ruleId} x${r.count}`).join(', ');
  return {
    key: `daily.summary:${s.day}`,
    severity: 'info',
    title: `daily summary ${s.day} (UTC)`,
    text: [
      `equity ${usd(s.equityStartUsd)} -> ${usd(s.equityEndUsd)}${change}`,
      `${s.fills} fills, notional ${usd(s.notionalUsd)}, fees ${usd(s.feesUsd)}, realized PnL ${usd(s.realizedPnlUsd)}`,
      `${s.decisions} decisions, ${s.refused} refused; top rules: ${rules}`,
      `${s.openPositions} open positions, breaker ${s.breakerTripped ? 'TRIPPED' : 'ok'}, kill level ${killLevel}`,
    ].join('\n'),
  };
}

export interface DailySummaryJobOptions {
  readonly ledger: SummaryLedger;
  readonly clock: Clock;
  readonly sink: AlertSink;
  readonly killLevel: () => KillLevel;
}

/** The scheduled job: summarises the day that just ended and sends it as an info alert. */
export function dailySummaryJob(o: DailySummaryJobOptions): () => DailySummary {
  return () => {
    const summary = dailySummary(o.ledger, o.clock.now());
    o.sink.notify(dailySummaryAlert(summary, o.killLevel()));
    return summary;
  };
}
