// Gathers every fact of a candidate order: the books from the ledger, activity from the tracker, the rest from the caller.
import type { BreakerState } from '../ledger/breaker-repository.ts';
import type { MarkLookup } from '../ledger/equity.ts';
import { directionOfSide, legOfSide } from '../ledger/legs.ts';
import type { EquityObservation, ObservedFacts } from '../ledger/ledger.ts';
import type { Signal } from '../plugins/plugin-api.ts';
import { type Decision, type DecisionError, type FactSnapshot, mostSevere } from '../types.ts';
import type { ActivityTracker } from './activity.ts';
import { type MarketInput, marketFacts } from './market-facts.ts';
import { buildSnapshot, type ControlFacts, type ExecutionFacts, type FeedFacts, heldQuantity, isEntryOrder } from './order-facts.ts';
import type { OrderLedger } from './order-ports.ts';
import type { SizedOrder } from './order-size.ts';

/** What the caller knows at the moment it hands a signal over; everything else comes from the ledger. */
export interface ExecuteContext {
  readonly strategy: string;
  /** The decision cycle (tick) this signal belongs to: the per-cycle caps count orders with the same id. */
  readonly cycleId: string | number;
  readonly market: MarketInput;
  readonly controls: ControlFacts;
  readonly feed: FeedFacts;
  readonly barsSinceStart: number;
  /** Overrides the execution quality the order manager measures itself. */
  readonly execution?: ExecutionFacts;
  /** Marks of other open positions; this instrument's own leg is marked at the mid by default. */
  readonly mark?: MarkLookup;
  /** The venue's cash; paper, backtest and dry-run use the ledger's, live asks the venue when absent. */
  readonly venueBalanceUsd?: number;
  /** Other instruments of the same event, for the duplicate-event guard. */
  readonly eventInstruments?: readonly string[];
}

export interface FactsInput {
  readonly signal: Signal;
  readonly sized: SizedOrder;
  readonly context: ExecuteContext;
  readonly ledger: OrderLedger;
  readonly activity: ActivityTracker;
  readonly venue: string;
  readonly venueBalanceUsd: number;
  readonly marketSlippageBps: number;
  readonly nowMs: number;
}

export interface BuiltFacts {
  readonly snapshot: FactSnapshot;
  readonly executionPrice: number;
  readonly isEntry: boolean;
  /** Facts that could not be computed; their namespace is left out so the gate fails closed on them. */
  readonly errors: readonly DecisionError[];
  /** The equity observation the account facts rest on, to be recorded with the decision (absent when the books failed). */
  readonly observation?: EquityObservation;
}

function markOf(input: FactsInput, mid: number): MarkLookup {
  const { signal, context } = input;
  const leg = legOfSide(signal.side);
  return (instrument, l) => context.mark?.(instrument, l) ?? (instrument === signal.instrument && l === leg ? mid : undefined);
}

export function buildOrderFacts(input: FactsInput): BuiltFacts {
  const { signal, sized, context, ledger, activity, nowMs } = input;
  const direction = directionOfSide(signal.side);
  const market = marketFacts(signal, sized.limitPrice, context.market, { marketSlippageBps: input.marketSlippageBps });
  const errors: DecisionError[] = [];
  let books: ObservedFacts | undefined;
  try {
    books = ledger.facts({
      venueBalanceUsd: input.venueBalanceUsd,
      instrument: signal.instrument,
      leg: legOfSide(signal.side),
      mark: markOf(input, market.facts['mid'] as number),
      order: { direction, qty: sized.quantity, price: market.executionPrice },
      ...(context.eventInstruments ? { eventInstruments: context.eventInstruments } : {}),
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ORDER_FACTS_UNAVAILABLE';
    errors.push({ code: 'ORDER_FACTS_UNAVAILABLE', message: `account and position facts unavailable (${code}): ${(error as Error).message}` });
  }
  // The held quantity needs no mark: when the books could not be valued it is still read, so exits stay judged right.
  const held = books ? books.position.quantity : heldQuantity(ledger.openPositions(), signal.instrument, signal.side);
  const isEntry = isEntryOrder(held, direction, sized.quantity);
  const cycle = activity.cycle(context.cycleId);
  const failures = activity.failures(nowMs);
  const losses = activity.losses(nowMs);
  const quality = activity.execution(nowMs);
  const snapshot = buildSnapshot({
    signal, quantity: sized.quantity, executionPrice: market.executionPrice, strategy: context.strategy, venue: input.venue, isEntry,
    market: market.facts,
    ...(books ? { books } : {}),
    activity: {
      orders_this_cycle: cycle.orders,
      notional_this_cycle_usd: cycle.notionalUsd,
      orders_in_window_for_instrument: activity.ordersInWindow({
        instrument: signal.instrument, nowMs,
        ...(signal.windowStartMs !== undefined ? { startMs: signal.windowStartMs } : {}),
        ...(signal.windowEndMs !== undefined ? { endMs: signal.windowEndMs } : {}),
      }),
      trades_today_for_market: activity.tradesToday(signal.instrument, nowMs),
      consecutive_failures: failures.consecutive,
      ms_since_last_failure: failures.msSinceLast,
      consecutive_losses: losses.consecutive,
      ms_since_last_loss: losses.msSinceLast,
      unknown_orders_for_instrument: ledger.orders.countInState('unknown', signal.instrument),
    },
    controls: context.controls,
    feed: context.feed,
    execution: context.execution ?? { quality_score: quality.qualityScore, reject_rate: quality.rejectRate },
    barsSinceStart: context.barsSinceStart,
    nowMs,
  });
  return { snapshot, executionPrice: market.executionPrice, isEntry, errors, ...(books ? { observation: books.observation } : {}) };
}

/**
 * What the gate cannot see or must not be able to drop: a tripped breaker and an unknown order on
 * the instrument refuse entries (a rule file edited without `unknown-order-block` must not reopen a
 * market whose last order may be live), and books the ledger could not compute refuse entries even
 * when no rule reads them. Exits still go, so positions can close. An entry is what the order does,
 * not what the strategy called it: an "exit" that opens, adds to or flips a position is one too, so
 * a rule file without `exit-must-not-add` cannot let it past a tripped breaker.
 */
export function guardDecision(decision: Decision, built: BuiltFacts, breaker: Pick<BreakerState, 'tripped' | 'reason'>): Decision {
  const extra = [...built.errors];
  const entry = decision.context.appliesTo === 'entry' || built.isEntry;
  if (breaker.tripped && entry) extra.push({ code: 'ORDER_BREAKER_TRIPPED', message: `the breaker is tripped: ${breaker.reason ?? 'no reason recorded'}` });
  const unknown = built.snapshot.activity?.unknown_orders_for_instrument;
  if (entry && unknown !== 0) {
    extra.push({ code: 'ORDER_UNKNOWN_ON_INSTRUMENT', message: `${String(unknown)} order(s) on ${decision.context.instrument} await reconciliation` });
  }
  if (extra.length === 0) return decision;
  const outcome = entry ? mostSevere(decision.outcome, 'reject') : decision.outcome;
  return { ...decision, evaluated: decision.evaluated, outcome, errors: [...decision.errors, ...extra] };
}
