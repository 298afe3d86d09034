// The position state machine: the full state x event matrix, the exit_pending lock, and lifecycle values over time.
import { describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import {
  POSITION_EVENTS,
  POSITION_STATES,
  type PositionEvent,
  type PositionState,
  acceptedEvents,
  advancePosition,
  assertNotExitPending,
  canApply,
  isExitPending,
  openPosition,
  parsePositionState,
  positionTransition,
} from '../../../engine/orders/position-lifecycle.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TradegateError ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

/** The expected table, written out independently of the module's own rows. */
const EXPECTED: Record<PositionState, Partial<Record<PositionEvent, PositionState>>> = {
  entry: { entry_filled: 'monitoring', entry_failed: 'closed' },
  monitoring: { exit_triggered: 'exit_pending', reconciled_flat: 'closed' },
  exit_pending: { exit_filled: 'closed', exit_failed: 'monitoring' },
  closed: {},
};

describe('the position transition table', () => {
  for (const from of POSITION_STATES) {
    for (const on of POSITION_EVENTS) {
      const to = EXPECTED[from][on];
      if (to) {
        it(`${from} --${on}--> ${to}`, () => {
          expect(canApply(from, on)).toBe(true);
          expect(positionTransition(from, on).to).toBe(to);
        });
      } else {
        it(`${from} refuses ${on} with POSITION_TRANSITION_INVALID`, () => {
          expect(canApply(from, on)).toBe(false);
          expect(codeOf(() => positionTransition(from, on))).toBe('POSITION_TRANSITION_INVALID');
        });
      }
    }
  }

  it('is kind halt, and names what the state accepts', () => {
    try {
      positionTransition('exit_pending', 'exit_triggered');
      expect.unreachable();
    } catch (err) {
      const e = err as TradegateError;
      expect(e.kind).toBe('halt');
      expect(e.message).toContain('exit_filled, exit_failed');
    }
  });

  it('leaves closed by no event at all', () => {
    expect(acceptedEvents('closed')).toEqual([]);
  });

  it('refuses an unknown state and an unknown event', () => {
    expect(codeOf(() => positionTransition('open' as PositionState, 'exit_filled'))).toBe('POSITION_TRANSITION_INVALID');
    expect(codeOf(() => positionTransition('monitoring', 'stop' as PositionEvent))).toBe('POSITION_TRANSITION_INVALID');
    expect(codeOf(() => parsePositionState('open'))).toBe('POSITION_STATE_INVALID');
    expect(parsePositionState('exit_pending')).toBe('exit_pending');
  });
});

describe('the exit_pending lock', () => {
  it('holds only in exit_pending', () => {
    expect(POSITION_STATES.filter(isExitPending)).toEqual(['exit_pending']);
  });

  it('refuses any other actor with POSITION_EXIT_PENDING, kind deny', () => {
    expect(codeOf(() => assertNotExitPending('exit_pending', 'a strategy entry', 'BTC-USD'))).toBe('POSITION_EXIT_PENDING');
    for (const state of ['entry', 'monitoring', 'closed'] as const) expect(codeOf(() => assertNotExitPending(state, 'a strategy entry', 'BTC-USD'))).toBeUndefined();
  });

  it('lets exit_pending change only on the outcome of its own exit', () => {
    expect(acceptedEvents('exit_pending')).toEqual(['exit_filled', 'exit_failed']);
  });
});

describe('a position lifecycle over time', () => {
  it('walks entry -> monitoring -> exit_pending -> closed, keeping the exit reason', () => {
    const opened = openPosition('BTC-USD', 1000);
    const open = advancePosition(opened, 'entry_filled', 2000);
    const exiting = advancePosition(open, 'exit_triggered', 3000, 'stop-loss');
    const closed = advancePosition(exiting, 'exit_filled', 4000);
    expect([opened.state, open.state, exiting.state, closed.state]).toEqual(['entry', 'monitoring', 'exit_pending', 'closed']);
    expect(exiting).toEqual({ instrument: 'BTC-USD', state: 'exit_pending', since: 3000, exitReason: 'stop-loss' });
    expect(closed.exitReason).toBe('stop-loss');
    expect(opened).toEqual({ instrument: 'BTC-USD', state: 'entry', since: 1000 });
  });

  it('goes back to monitoring when the exit fails, and can exit again for a new reason', () => {
    const exiting = advancePosition(advancePosition(openPosition('BTC-USD', 0), 'entry_filled', 1), 'exit_triggered', 2, 'take-profit');
    const again = advancePosition(exiting, 'exit_failed', 3);
    expect(again.state).toBe('monitoring');
    expect(advancePosition(again, 'exit_triggered', 4, 'stop-loss').exitReason).toBe('stop-loss');
  });

  it('refuses an exit without a reason and a change at a non-finite time', () => {
    const open = advancePosition(openPosition('BTC-USD', 0), 'entry_filled', 1);
    expect(codeOf(() => advancePosition(open, 'exit_triggered', 2))).toBe('POSITION_TRANSITION_INVALID');
    expect(codeOf(() => advancePosition(open, 'exit_triggered', Number.NaN, 'stop-loss'))).toBe('POSITION_TRANSITION_INVALID');
    expect(codeOf(() => openPosition('BTC-USD', Number.POSITIVE_INFINITY))).toBe('POSITION_TRANSITION_INVALID');
  });
});
