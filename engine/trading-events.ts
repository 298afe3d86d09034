// Payloads of the trading events on the bus (signals, decisions, orders, fills, assertions, breaker, equity, controls).
import type { Decision, KillLevel, Mode, OrderState, Side } from './types.ts';

/*
 * Each payload is a small self-contained record built from domain types only, so the bus (and whoever
 * listens: the events socket, metrics, alerts) depends on no ledger, order or plugin module.
 */

export interface SignalEmitted {
  readonly strategy: string;
  readonly signalId: string;
  readonly instrument: string;
  readonly side: Side;
  readonly quantity: number;
  readonly intent: 'entry' | 'exit';
  readonly reason: string;
}

export interface DecisionRecorded {
  /** The audit trail row id, or null when the decision was not persisted (a dry evaluation). */
  readonly decisionId: number | null;
  readonly clientOrderId: string | null;
  readonly decision: Decision;
}

export interface OrderUpdated {
  readonly clientOrderId: string;
  readonly venue: string;
  readonly instrument: string;
  readonly strategy: string;
  readonly side: Side;
  readonly mode: Mode;
  readonly fromState: OrderState | null;
  readonly state: OrderState;
  readonly qty: number;
  readonly filledQty: number;
  readonly reason: string | null;
}

/** An order got no confirmation in time: it blocks re-entry on its instrument until reconciled. */
export interface OrderUnknown {
  readonly clientOrderId: string;
  readonly venue: string;
  readonly instrument: string;
  readonly reason: string;
}

export interface FillApplied {
  readonly clientOrderId: string | null;
  readonly venue: string;
  readonly venueFillId: string;
  readonly instrument: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly feeUsd: number;
  readonly realizedPnlUsd: number;
  readonly liquidity: 'maker' | 'taker';
}

/** One runtime assertion's verdict at one tick (R6.5). */
export interface AssertionOutcome {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed; null when it held. */
  readonly message: string | null;
}

export interface AssertionsChecked {
  readonly results: readonly AssertionOutcome[];
}

export interface AssertionFailed {
  readonly name: string;
  readonly message: string;
}

export interface BreakerTripped {
  readonly reason: string;
  readonly actor: string;
}

export interface BreakerReset {
  readonly actor: string;
}

export interface EquityObserved {
  readonly equityUsd: number;
  readonly cashUsd: number;
  readonly sessionPnlUsd: number;
  readonly dailyLossFraction: number;
  /** Fall from the run's peak equity, 0..1. */
  readonly drawdownFraction: number;
}

export interface ControlsChanged {
  /** The controls that changed, by stored key, with their new values. */
  readonly changes: Readonly<Record<string, unknown>>;
  readonly changedBy: string;
}

/** A stored control could not be read or validated: the controls service failed closed to `killLevel`. */
export interface ControlsInvalid {
  readonly problems: readonly string[];
  readonly killLevel: KillLevel;
}

/** The kill switch's level in force moved (engine/runtime/kill-switch.ts): raised by a trigger, lowered by an operator or a lapsed cooldown. */
export interface KillLevelChanged {
  readonly from: KillLevel;
  readonly to: KillLevel;
  /** api, cli, file, signal, rule, drill, or `cooldown` when a rule's hold lapsed. */
  readonly source: string;
  readonly actor: string;
  readonly reason: string;
}

/** The bus entries for these payloads; bus.ts spreads them into its event map. */
export interface TradingEvents {
  'signal.emitted': SignalEmitted;
  'decision.recorded': DecisionRecorded;
  'order.updated': OrderUpdated;
  'order.unknown': OrderUnknown;
  'fill.applied': FillApplied;
  'assertions.checked': AssertionsChecked;
  'assertion.failed': AssertionFailed;
  'breaker.tripped': BreakerTripped;
  'breaker.reset': BreakerReset;
  'equity.observed': EquityObserved;
  'controls.changed': ControlsChanged;
  'controls.invalid': ControlsInvalid;
  'kill.level_changed': KillLevelChanged;
}
