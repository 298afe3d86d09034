// Specs of the order lifecycle table: the full from x to matrix, terminal and live states, coded refusals.
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import {
  canTransition,
  isLive,
  isTerminal,
  nextStates,
  ORDER_STATES,
  type OrderState,
  parseOrderState,
  TRANSITIONS,
  transition,
} from '../../../engine/orders/order-state.ts';

/** The lifecycle written out by hand, independently of the table: from -> allowed targets. */
const EXPECTED: Record<OrderState, readonly OrderState[]> = {
  pending_submit: ['submitted', 'partially_filled', 'filled', 'canceled', 'rejected', 'failed', 'unknown'],
  submitted: ['partially_filled', 'filled', 'canceled', 'rejected', 'expired', 'unknown'],
  partially_filled: ['partially_filled', 'filled', 'canceled', 'expired', 'unknown'],
  unknown: ['submitted', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired', 'failed'],
  filled: [],
  canceled: [],
  rejected: [],
  expired: [],
  failed: [],
};

const matrix = ORDER_STATES.flatMap((from) => ORDER_STATES.map((to) => [from, to] as const));

describe('order state transitions', () => {
  it('holds each edge once, each with the event that causes it', () => {
    const edges = TRANSITIONS.map((t) => `${t.from}>${t.to}`);
    expect(new Set(edges).size).toBe(edges.length);
    for (const t of TRANSITIONS) expect(t.on).toMatch(/^[a-z_]+$/);
  });

  it.each(matrix.filter(([from, to]) => EXPECTED[from].includes(to)))('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(transition(from, to)).toMatchObject({ from, to });
  });

  it.each(matrix.filter(([from, to]) => !EXPECTED[from].includes(to)))('refuses %s -> %s with ORDER_TRANSITION_INVALID', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    let caught: unknown;
    try {
      transition(from, to);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TradegateError);
    expect(caught).toMatchObject({ code: 'ORDER_TRANSITION_INVALID', kind: 'halt', details: { from, to } });
  });

  it('lets unknown resolve to anything reconciliation can find, but never back to pending_submit', () => {
    expect(nextStates('unknown').sort()).toEqual(ORDER_STATES.filter((s) => s !== 'unknown' && s !== 'pending_submit').sort());
  });

  it('names what is allowed in the refusal message', () => {
    expect(() => transition('submitted', 'pending_submit')).toThrow(/may go to partially_filled, filled/);
    expect(() => transition('filled', 'canceled')).toThrow(/nothing \(terminal\)/);
  });
});

describe('isTerminal and isLive', () => {
  it('splits the states into terminal (no way out) and live (may still fill or is unconfirmed)', () => {
    expect(ORDER_STATES.filter(isTerminal)).toEqual(['filled', 'canceled', 'rejected', 'expired', 'failed']);
    expect(ORDER_STATES.filter(isLive)).toEqual(['pending_submit', 'submitted', 'partially_filled', 'unknown']);
    for (const s of ORDER_STATES) expect(isTerminal(s)).toBe(nextStates(s).length === 0);
  });
});

describe('parseOrderState', () => {
  it('accepts every state and refuses anything else with ORDER_STATE_INVALID', () => {
    for (const s of ORDER_STATES) expect(parseOrderState(s)).toBe(s);
    for (const bad of ['FILLED', 'done', '', null, 3]) {
      expect(() => parseOrderState(bad)).toThrow(expect.objectContaining({ code: 'ORDER_STATE_INVALID' }));
    }
  });
});
