// The order lifecycle: one explicit transition table; any change not in it is an error with a code.
import { TradegateError } from '../errors.ts';
import { ORDER_STATES, type OrderState } from '../types.ts';

export { ORDER_STATES, type OrderState };

export interface Transition {
  readonly from: OrderState;
  readonly to: OrderState;
  /** The event that causes it: what the order manager or reconciliation observed. */
  readonly on: string;
}

/**
 * Every allowed change, and nothing else. Fills may arrive before the submit acknowledgement
 * (fast venues push fills on a socket), so pending_submit can go straight to a fill state.
 * `unknown` means "no confirmation in time": it may resolve to whatever reconciliation finds
 * at the venue, but never back to pending_submit. Terminal states have no way out.
 */
export const TRANSITIONS: readonly Transition[] = [
  { from: 'pending_submit', to: 'submitted', on: 'venue_ack' },
  { from: 'pending_submit', to: 'partially_filled', on: 'fill' },
  { from: 'pending_submit', to: 'filled', on: 'fill' },
  { from: 'pending_submit', to: 'canceled', on: 'venue_cancel' },
  { from: 'pending_submit', to: 'rejected', on: 'venue_reject' },
  { from: 'pending_submit', to: 'failed', on: 'submit_failed' },
  { from: 'pending_submit', to: 'unknown', on: 'ack_timeout' },
  { from: 'submitted', to: 'partially_filled', on: 'fill' },
  { from: 'submitted', to: 'filled', on: 'fill' },
  { from: 'submitted', to: 'canceled', on: 'cancel_ack' },
  { from: 'submitted', to: 'rejected', on: 'venue_reject' },
  { from: 'submitted', to: 'expired', on: 'ttl_expired' },
  { from: 'submitted', to: 'unknown', on: 'status_timeout' },
  { from: 'partially_filled', to: 'partially_filled', on: 'fill' },
  { from: 'partially_filled', to: 'filled', on: 'fill' },
  { from: 'partially_filled', to: 'canceled', on: 'cancel_ack' },
  { from: 'partially_filled', to: 'expired', on: 'ttl_expired' },
  { from: 'partially_filled', to: 'unknown', on: 'status_timeout' },
  { from: 'unknown', to: 'submitted', on: 'reconciled' },
  { from: 'unknown', to: 'partially_filled', on: 'reconciled' },
  { from: 'unknown', to: 'filled', on: 'reconciled' },
  { from: 'unknown', to: 'canceled', on: 'reconciled' },
  { from: 'unknown', to: 'rejected', on: 'reconciled' },
  { from: 'unknown', to: 'expired', on: 'reconciled' },
  { from: 'unknown', to: 'failed', on: 'reconciled' },
];

const TERMINAL: ReadonlySet<OrderState> = new Set(['filled', 'canceled', 'rejected', 'expired', 'failed']);

const BY_EDGE: ReadonlyMap<string, Transition> = new Map(TRANSITIONS.map((t) => [`${t.from}>${t.to}`, t]));

export function isOrderState(value: unknown): value is OrderState {
  return typeof value === 'string' && (ORDER_STATES as readonly string[]).includes(value);
}

/** Narrows a stored or reported string to a state, or throws ORDER_STATE_INVALID. */
export function parseOrderState(value: unknown): OrderState {
  if (!isOrderState(value)) {
    throw new TradegateError('ORDER_STATE_INVALID', `${JSON.stringify(value)} is not an order state (${ORDER_STATES.join(', ')})`, {
      value,
    });
  }
  return value;
}

/** A terminal order never changes again, and its client order id is never submitted again. */
export function isTerminal(state: OrderState): boolean {
  return TERMINAL.has(state);
}

/** A live order may still fill or is unconfirmed (unknown counts: it blocks re-entry until reconciled). */
export function isLive(state: OrderState): boolean {
  return !TERMINAL.has(state);
}

export function canTransition(from: OrderState, to: OrderState): boolean {
  return BY_EDGE.has(`${from}>${to}`);
}

/** The states an order in `from` may move to. */
export function nextStates(from: OrderState): OrderState[] {
  return TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
}

/**
 * Checks one state change against the table and returns its row. Anything else throws
 * ORDER_TRANSITION_INVALID, kind `halt`: an impossible change (a fill on a canceled order, a
 * terminal order "reopening") means our record of the order disagrees with the venue, so the
 * positions and cash built on it may be wrong. Refusing one order (deny) would keep trading on
 * books we no longer trust; stopping new risk until an operator or reconciliation looks is the
 * fail-closed choice. Benign repeats (the same ack twice) are the caller's to drop before asking.
 */
export function transition(from: OrderState, to: OrderState): Transition {
  const row = BY_EDGE.get(`${from}>${to}`);
  if (!row) {
    const allowed = nextStates(from);
    throw new TradegateError(
      'ORDER_TRANSITION_INVALID',
      `order state ${from} -> ${to} is not allowed; from ${from} an order may go to ${allowed.length ? allowed.join(', ') : 'nothing (terminal)'}`,
      { from, to, allowed },
    );
  }
  return row;
}
