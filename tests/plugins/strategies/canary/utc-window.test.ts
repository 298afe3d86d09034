// UTC-aligned windows: which window a moment falls in, boundaries belonging to the next window, and stable labels.
import { describe, expect, it } from 'vitest';
import { windowAt, windowLabel } from '../../../../plugins/strategies/canary/utc-window.ts';
import { MINUTE, T0 } from '../market-event-fixtures.ts';

describe('windowAt', () => {
  it('puts a moment in the window that started at the last multiple of the length', () => {
    expect(windowAt(T0 + 7 * MINUTE, 15 * MINUTE)).toEqual({ startMs: T0, endMs: T0 + 15 * MINUTE });
    expect(windowAt(T0 + 59 * MINUTE, 15 * MINUTE)).toEqual({ startMs: T0 + 45 * MINUTE, endMs: T0 + 60 * MINUTE });
  });

  it('gives a window end to the next window', () => {
    expect(windowAt(T0 + 15 * MINUTE, 15 * MINUTE).startMs).toBe(T0 + 15 * MINUTE);
    expect(windowAt(T0 + 15 * MINUTE - 1, 15 * MINUTE).startMs).toBe(T0);
  });

  it('stays on UTC day boundaries for any length dividing a day', () => {
    for (const minutes of [1, 5, 15, 60, 240, 1440]) expect(windowAt(T0 + 1, minutes * MINUTE).startMs).toBe(T0);
  });
});

describe('windowLabel', () => {
  it('is the ISO time without milliseconds', () => {
    expect(windowLabel(T0 + 15 * MINUTE)).toBe('2018-04-05T00:15:00Z');
  });
});
