// The narrow views of the ledger and the gate the orders layer works through, so either can be swapped or wrapped.
import type { TradegateError } from '../errors.ts';
import { evaluate, type GateOptions } from '../gate/gate.ts';
import type { FillInput, FillResult, FundingInput, FundingResult, LegSettlement, SettlementInput } from '../ledger/bookkeeping.ts';
import type { BreakerRepository } from '../ledger/breaker-repository.ts';
import type { CashRepository } from '../ledger/cash-repository.ts';
import type { DecisionRepository } from '../ledger/decision-repository.ts';
import type { FillRepository } from '../ledger/fill-repository.ts';
import type { EquityObservation, ObservedFacts, PositionView } from '../ledger/ledger.ts';
import type { LedgerFactsInput } from '../ledger/ledger-facts.ts';
import type { OrderRepository } from '../ledger/order-repository.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import type { Decision, DecisionContext, FactSnapshot, Mode } from '../types.ts';

/**
 * What the order manager and reconciliation need of the ledger; the Ledger class satisfies it as is.
 * Kept to reads and writes of orders, fills, cash and the breaker, so the orders layer cannot reach
 * into equity snapshots, locks or controls that other components own. The one equity write it has,
 * recordObservation, hands back to the ledger what the ledger itself computed for the facts.
 */
export interface OrderLedger {
  readonly mode: Mode;
  readonly runId: string | undefined;
  readonly orders: Pick<OrderRepository, 'insertPending' | 'get' | 'idOf' | 'require' | 'changeState' | 'note' | 'inStates' | 'countInState' | 'events'>;
  readonly fills: Pick<FillRepository, 'byVenueFillId' | 'all' | 'count'>;
  readonly cash: Pick<CashRepository, 'list'>;
  readonly breaker: Pick<BreakerRepository, 'isTripped' | 'trip' | 'state'>;
  readonly decisions: Pick<DecisionRepository, 'record' | 'list'>;
  transaction<T>(fn: () => T): T;
  joinTransaction<T>(fn: () => T): T;
  /** A unit whose commit rides the next transaction or the end of the turn: only for what the venue already reported. */
  deferred<T>(fn: () => T): T;
  /** Commits deferred writes now. */
  flush(): void;
  /** The group commit that failed, if one did: the books lack writes the process acted on, so nothing more may run. */
  readonly commitFailure: TradegateError | null;
  applyFill(fill: FillInput): FillResult;
  applyFunding(funding: FundingInput): FundingResult;
  applySettlement(settlement: SettlementInput): LegSettlement[];
  /** Reads only; the observation it returns is recorded with the decision made on it. */
  facts(input: Omit<LedgerFactsInput, 'metrics' | 'positions'>): ObservedFacts;
  recordObservation(observation: EquityObservation): void;
  cashUsd(): number;
  openPositions(): PositionView[];
  deposit(usd: number, reference?: string, note?: string): void;
}

/** The rules gate as the order manager calls it: the rule set in force is the gate's business (hot reload swaps it). */
export interface OrderGate {
  evaluate(snapshot: FactSnapshot, context: DecisionContext): Promise<Decision>;
}

/** A gate over whatever rule set is in force when each decision is asked for (hot reload swaps what `current` returns). */
export function ruleSetGate(current: () => RuleSet | null | undefined, options: GateOptions): OrderGate {
  return { evaluate: (snapshot, context) => evaluate(snapshot, current(), context, options) };
}
