// The per-position state machine: entry -> monitoring -> exit_pending -> closed, one transition table, coded errors for the rest.
import { TradegateError } from '../errors.ts';

/**
 * - `entry`: an entry order is out and nothing has filled yet (the position is flat).
 * - `monitoring`: the position is open; every tick the exit decision looks at it.
 * - `exit_pending`: one exit is in flight (an exit order, or a settlement awaited); nothing else
 *   may change the position until that exit resolves (SPEC R7.3, seed 001).
 * - `closed`: flat and done; a new entry starts a new lifecycle.
 */
export const POSITION_STATES = ['entry', 'monitoring', 'exit_pending', 'closed'] as const;
export type PositionState = (typeof POSITION_STATES)[number];

/** What happened to the position, as the order manager or reconciliation observed it. */
export const POSITION_EVENTS = ['entry_filled', 'entry_failed', 'exit_triggered', 'exit_filled', 'exit_failed', 'reconciled_flat'] as const;
export type PositionEvent = (typeof POSITION_EVENTS)[number];

export interface PositionTransition {
  readonly from: PositionState;
  readonly on: PositionEvent;
  readonly to: PositionState;
  readonly why: string;
}

/**
 * Every allowed change, and nothing else. Two choices worth knowing:
 * - exit_pending leaves only on the outcome of its own exit: filled (closed) or failed with
 *   quantity left (back to monitoring, so the next tick decides again and the exit is retried
 *   under a new intent). A stop, a strategy or an operator cannot act on it meanwhile.
 * - monitoring -> closed on reconciled_flat: the venue reports the position gone without our exit
 *   (liquidation, expiry settled by the venue). The record follows reality; reconciliation's own
 *   mismatch handling (R6.4) decides whether that also trips the breaker.
 */
export const POSITION_TRANSITIONS: readonly PositionTransition[] = [
  { from: 'entry', on: 'entry_filled', to: 'monitoring', why: 'the first entry fill is confirmed; the position is open' },
  { from: 'entry', on: 'entry_failed', to: 'closed', why: 'the entry order ended with nothing filled (rejected, canceled, expired, failed)' },
  { from: 'monitoring', on: 'exit_triggered', to: 'exit_pending', why: 'the exit decision chose one exit; its order is sent or its settlement awaited' },
  { from: 'monitoring', on: 'reconciled_flat', to: 'closed', why: 'the venue reports the position flat without an exit of ours' },
  { from: 'exit_pending', on: 'exit_filled', to: 'closed', why: 'the exit filled in full (or the market settled); the position is flat' },
  { from: 'exit_pending', on: 'exit_failed', to: 'monitoring', why: 'the exit order ended with quantity left; the next tick decides again' },
];

const BY_KEY: ReadonlyMap<string, PositionTransition> = new Map(POSITION_TRANSITIONS.map((t) => [`${t.from}>${t.on}`, t]));

export function isPositionState(value: unknown): value is PositionState {
  return typeof value === 'string' && (POSITION_STATES as readonly string[]).includes(value);
}

/** Narrows a stored string to a state, or throws POSITION_STATE_INVALID. */
export function parsePositionState(value: unknown): PositionState {
  if (!isPositionState(value)) {
    throw new TradegateError('POSITION_STATE_INVALID', `${JSON.stringify(value)} is not a position state (${POSITION_STATES.join(', ')})`, { value });
  }
  return value;
}

/** Events a position in `from` accepts. */
export function acceptedEvents(from: PositionState): PositionEvent[] {
  return POSITION_TRANSITIONS.filter((t) => t.from === from).map((t) => t.on);
}

export function canApply(from: PositionState, on: PositionEvent): boolean {
  return BY_KEY.has(`${from}>${on}`);
}

/**
 * The row for `on` in state `from`, or POSITION_TRANSITION_INVALID (kind halt): an impossible event
 * (an exit fill with no exit pending, a second exit trigger) means our picture of the position is
 * wrong, and trading on a wrong picture is what this engine exists to stop.
 */
export function positionTransition(from: PositionState, on: PositionEvent): PositionTransition {
  const row = BY_KEY.get(`${from}>${on}`);
  if (!row) {
    const accepted = isPositionState(from) ? acceptedEvents(from) : [];
    throw new TradegateError(
      'POSITION_TRANSITION_INVALID',
      `position event ${String(on)} is not allowed in state ${String(from)}; it accepts ${accepted.length ? accepted.join(', ') : 'nothing (closed)'}`,
      { from, on, accepted },
    );
  }
  return row;
}

/** True while an exit is in flight: the one state nothing but that exit's outcome may change. */
export function isExitPending(state: PositionState): boolean {
  return state === 'exit_pending';
}

/**
 * The guard every other actor calls before changing a position (adding to it, amending it,
 * starting another exit): throws POSITION_EXIT_PENDING while an exit is in flight.
 */
export function assertNotExitPending(state: PositionState, what: string, instrument: string): void {
  if (isExitPending(state)) {
    throw new TradegateError('POSITION_EXIT_PENDING', `${what} refused: the ${instrument} position has an exit in flight`, { instrument, what, state });
  }
}

/** One position's lifecycle as a value: the runner keeps it, the ledger may store it. */
export interface PositionLifecycle {
  readonly instrument: string;
  readonly state: PositionState;
  /** When the current state began (epoch ms, injected clock). */
  readonly since: number;
  /** Why the exit in flight (or the last exit) was taken, e.g. `stop-loss`; set on exit_triggered. */
  readonly exitReason?: string;
}

/** A new lifecycle: an entry order has just been sent. */
export function openPosition(instrument: string, at: number): PositionLifecycle {
  return { instrument, state: 'entry', since: checkedTime(at, instrument) };
}

function checkedTime(at: number, instrument: string): number {
  if (typeof at !== 'number' || !Number.isFinite(at)) {
    throw new TradegateError('POSITION_TRANSITION_INVALID', `a position change needs a finite time, got ${String(at)}`, { instrument, at });
  }
  return at;
}

/** The lifecycle after `on`; the input is never changed. `exitReason` is required on exit_triggered. */
export function advancePosition(lifecycle: PositionLifecycle, on: PositionEvent, at: number, exitReason?: string): PositionLifecycle {
  const row = positionTransition(lifecycle.state, on);
  checkedTime(at, lifecycle.instrument);
  if (on === 'exit_triggered') {
    if (!exitReason) {
      throw new TradegateError('POSITION_TRANSITION_INVALID', 'an exit was triggered without a reason; every exit names why', { instrument: lifecycle.instrument, on });
    }
    return { instrument: lifecycle.instrument, state: row.to, since: at, exitReason };
  }
  const { exitReason: previous } = lifecycle;
  return previous === undefined ? { instrument: lifecycle.instrument, state: row.to, since: at } : { instrument: lifecycle.instrument, state: row.to, since: at, exitReason: previous };
}
