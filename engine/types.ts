// Domain vocabulary shared by every layer: modes, sides, rule actions, decisions.

/** Where fills come from. The order pipeline is the same for every mode. */
export const MODES = ['live', 'dry_run', 'paper', 'backtest'] as const;
export type Mode = (typeof MODES)[number];

export const SIDES = ['buy', 'sell', 'buy_yes', 'buy_no', 'sell_yes', 'sell_no'] as const;
export type Side = (typeof SIDES)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/**
 * The lifecycle of an order. Shared because the ledger stores it and the order manager drives it;
 * the transitions allowed between them live in engine/orders/order-state.ts.
 */
export const ORDER_STATES = [
  'pending_submit',
  'submitted',
  'partially_filled',
  'filled',
  'canceled',
  'rejected',
  'expired',
  'failed',
  'unknown',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/** The moment a rule is evaluated at. */
export const APPLIES_TO = ['entry', 'exit', 'tick', 'prelive'] as const;
export type AppliesTo = (typeof APPLIES_TO)[number];

export const KILL_LEVELS = ['none', 'pause', 'flatten', 'emergency'] as const;
export type KillLevel = (typeof KILL_LEVELS)[number];

/**
 * What a fired rule asks for, least to most severe. The outcome of a decision is the
 * most severe action among the rules that fired; `allow` when none did.
 */
export const ACTIONS = [
  'reduce_only',
  'exit_position',
  'reject',
  'gate_fail',
  'pause',
  'flatten',
  'emergency',
] as const;
export type Action = (typeof ACTIONS)[number];
export type Outcome = 'allow' | Action;

const SEVERITY: Record<Outcome, number> = {
  allow: 0,
  reduce_only: 1,
  exit_position: 2,
  reject: 3,
  gate_fail: 4,
  pause: 5,
  flatten: 6,
  emergency: 7,
};

export function severityOf(outcome: Outcome): number {
  return SEVERITY[outcome];
}

export function mostSevere(a: Outcome, b: Outcome): Outcome {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** Actions a rule may take at each moment: a tick cannot reject an order that does not exist. */
export const ACTIONS_BY_APPLIES_TO: Record<AppliesTo, readonly Action[]> = {
  entry: ['reject', 'reduce_only', 'pause', 'flatten', 'emergency'],
  exit: ['reject', 'pause', 'flatten', 'emergency'],
  tick: ['exit_position', 'pause', 'flatten', 'emergency'],
  prelive: ['gate_fail'],
};

/** A scalar or list value a fact can hold once validated. */
export type FactValue = number | string | boolean | readonly string[];

/** Facts nested by namespace, as callers build them: `{order: {quantity: 1}, market: {...}}`. */
export type FactSnapshot = Record<string, Record<string, unknown>>;

/** Facts keyed by dotted path (`order.quantity`), as evaluators read them. */
export type FlatFacts = Readonly<Record<string, FactValue>>;

/** Who is asking, so rule filters (mode, venue, instrument, strategy) can apply. */
export interface DecisionContext {
  readonly appliesTo: AppliesTo;
  readonly mode: Mode;
  readonly venue?: string;
  readonly instrument?: string;
  readonly strategy?: string;
}

export interface RuleVerdict {
  readonly ruleId: string;
  readonly fired: boolean;
  /** The values of every fact the rule's conditions read, keyed by dotted path. */
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface Violation {
  readonly ruleId: string;
  readonly action: Action;
  readonly message: string;
  readonly facts: Readonly<Record<string, unknown>>;
}

/** A problem that stopped evaluation itself; the gate fails closed on any of these. */
export interface DecisionError {
  readonly code: string;
  readonly message: string;
  readonly fact?: string;
  readonly ruleId?: string;
}

export interface Decision {
  readonly outcome: Outcome;
  readonly violations: readonly Violation[];
  readonly evaluated: readonly RuleVerdict[];
  readonly errors: readonly DecisionError[];
  readonly ruleSetVersion: string;
  readonly evaluatedAt: number;
  readonly context: DecisionContext;
}
