// The fact snapshot a tick is judged on: account and position from the ledger, market, controls, feed and time from the session.
import type { MarkLookup } from '../ledger/equity.ts';
import type { Leg } from '../ledger/legs.ts';
import type { EquityObservation, ObservedFacts } from '../ledger/ledger.ts';
import type { LedgerFactsInput } from '../ledger/ledger-facts.ts';
import type { MarketInput } from '../orders/market-facts.ts';
import type { ControlFacts, FeedFacts } from '../orders/order-facts.ts';
import type { DecisionError, FactSnapshot } from '../types.ts';

/** The ledger as a tick reads it: marked facts for one instrument leg, and the cash figure. */
export interface TickLedger {
  facts(input: Omit<LedgerFactsInput, 'metrics' | 'positions'>): ObservedFacts;
  /** Keeps the tick's observation: a day's baseline and the peaks move at the tick, not only when an order or the event's end comes. */
  recordObservation(observation: EquityObservation): void;
  cashUsd(): number;
}

export interface TickInput {
  readonly ledger: TickLedger;
  readonly instrument: string;
  readonly leg: Leg;
  readonly mark: MarkLookup;
  readonly market: MarketInput | undefined;
  readonly controls: ControlFacts;
  readonly feed: FeedFacts;
  readonly barsSinceStart: number;
  readonly nowMs: number;
}

export interface TickFacts {
  readonly snapshot: FactSnapshot;
  /** Facts that could not be computed; their namespace is left out, so the rules reading them fail closed. */
  readonly errors: readonly DecisionError[];
}

function marketFacts(m: MarketInput): Record<string, unknown> {
  const mid = (m.bid + m.ask) / 2;
  const facts: Record<string, unknown> = { bid: m.bid, ask: m.ask, mid, last_price: m.lastPrice ?? mid, spread_bps: ((m.ask - m.bid) / mid) * 10_000 };
  if (m.dataQualityScore !== undefined) facts['data_quality_score'] = m.dataQualityScore;
  if (m.regime !== undefined) facts['regime'] = m.regime;
  if (m.adx !== undefined) facts['adx'] = m.adx;
  return facts;
}

/**
 * One instrument's tick facts. No order exists at a tick, so the after-fill position facts equal the
 * position held, and no order.* or market.* fact of an order is given: a tick rule reading one fails closed.
 */
export function tickFacts(t: TickInput): TickFacts {
  const errors: DecisionError[] = [];
  const snapshot: FactSnapshot = {
    controls: { ...t.controls, allowed_instruments: [...t.controls.allowed_instruments], allowed_strategies: [...t.controls.allowed_strategies] },
    feed: { ...t.feed },
    time: { now_ms: t.nowMs, utc_hour: new Date(t.nowMs).getUTCHours(), bars_since_start: t.barsSinceStart },
  };
  if (t.market) snapshot['market'] = marketFacts(t.market);
  try {
    // The paper, backtest and dry-run venue's cash is the ledger's; a live session passes the venue's own figure later.
    const books = t.ledger.facts({ venueBalanceUsd: t.ledger.cashUsd(), instrument: t.instrument, leg: t.leg, mark: t.mark });
    t.ledger.recordObservation(books.observation);
    snapshot['account'] = { ...books.account };
    snapshot['position'] = { ...books.position };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ORDER_FACTS_UNAVAILABLE';
    errors.push({ code: 'ORDER_FACTS_UNAVAILABLE', message: `account and position facts unavailable at the tick (${code}): ${(error as Error).message}` });
  }
  return { snapshot, errors };
}
