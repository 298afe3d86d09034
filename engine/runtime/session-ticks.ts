// The kill criteria every tick: one tick decision per instrument watched, recorded when a rule fired, folded into the trading state.
import type { EventBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Leg } from '../ledger/legs.ts';
import type { Logger } from '../observe/logger.ts';
import { flattenSnapshot } from '../orders/order-facts.ts';
import type { OrderGate } from '../orders/order-ports.ts';
import { type Decision, type Mode, mostSevere } from '../types.ts';
import type { MarketView } from './market-view.ts';
import { tickFacts } from './tick-facts.ts';
import type { LevelChange, TradingState } from './trading-state.ts';

export interface TickDeps {
  readonly mode: Mode;
  readonly clock: Clock;
  readonly venue: string;
  readonly ledger: Ledger;
  readonly gate: OrderGate;
  readonly market: MarketView;
  readonly state: TradingState;
  readonly logger: Logger;
  readonly bus?: EventBus;
  readonly strategyOf: (instrument: string) => string | undefined;
}

export interface TickResult {
  readonly decision: Decision;
  /** Equity and cash as the tick saw them (NaN when the books could not be read). */
  readonly equityUsd: number;
  readonly cashUsd: number;
  readonly unrealizedPnlUsd: number;
  readonly changes: readonly LevelChange[];
}

function num(ns: Record<string, unknown> | undefined, key: string): number {
  const v = ns?.[key];
  return typeof v === 'number' ? v : Number.NaN;
}

/**
 * Evaluates the tick rules for one instrument (its held leg, or outright when flat): kill switch,
 * loss limits, stale feed, stops and targets. The decision is kept in the audit trail when something
 * fired or it could not be decided; a clean tick is not, or the trail would hold every minute twice.
 */
export async function evaluateTick(d: TickDeps, instrument: string, leg: Leg): Promise<TickResult> {
  const now = d.clock.now();
  const built = tickFacts({
    ledger: d.ledger, instrument, leg, mark: d.market.mark, market: d.market.input(instrument),
    controls: d.state.controlsFacts(), feed: d.market.feed(instrument), barsSinceStart: d.market.bars(instrument), nowMs: now,
  });
  const strategy = d.strategyOf(instrument);
  let decision = await d.gate.evaluate(built.snapshot, { appliesTo: 'tick', mode: d.mode, venue: d.venue, instrument, ...(strategy ? { strategy } : {}) });
  if (built.errors.length > 0) decision = { ...decision, outcome: mostSevere(decision.outcome, 'pause'), errors: [...decision.errors, ...built.errors] };
  if (decision.outcome !== 'allow' || decision.errors.length > 0) {
    const decisionId = d.ledger.decisions.record(decision, { facts: flattenSnapshot(built.snapshot), runId: d.ledger.runId ?? null });
    d.bus?.emit('decision.recorded', { decisionId, clientOrderId: null, decision });
  }
  const changes = d.state.observe(decision, instrument);
  for (const c of changes) {
    d.logger.warn({ event: 'trading.level_changed', from: c.from, to: c.to, cause: c.cause, instrument, market_ts: now, message: c.message }, `trading level ${c.from} -> ${c.to}`);
  }
  const account = built.snapshot['account'];
  return {
    decision,
    equityUsd: num(account, 'equity_usd'),
    cashUsd: num(account, 'cash_usd'),
    unrealizedPnlUsd: num(built.snapshot['position'], 'unrealized_pnl_usd'),
    changes,
  };
}
