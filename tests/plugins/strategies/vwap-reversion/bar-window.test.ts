// Complete, back-to-back trade bar windows: quote-only minutes and gaps give no window.
import { describe, expect, it } from 'vitest';
import { recentTradeBars } from '../../../../plugins/strategies/vwap-reversion/bar-window.ts';
import { MINUTE, T0, marketEvent } from '../market-event-fixtures.ts';

describe('recentTradeBars', () => {
  const events = [0, 1, 2, 3].map((i) => marketEvent({ ts: T0 + i * MINUTE, close: 100 + i }));

  it('returns the last N trade bars, oldest first', () => {
    expect(recentTradeBars(events, 2)!.map((b) => b.close)).toEqual([102, 103]);
  });

  it('refuses a window with a quote-only minute, a gap, or too little history', () => {
    const quoteOnly = [...events.slice(0, 3), marketEvent({ ts: T0 + 3 * MINUTE, trade: false })];
    expect(recentTradeBars(quoteOnly, 2)).toBeNull();
    const gap = [...events.slice(0, 3), marketEvent({ ts: T0 + 5 * MINUTE, close: 105 })];
    expect(recentTradeBars(gap, 2)).toBeNull();
    expect(recentTradeBars(gap, 1)!.map((b) => b.close)).toEqual([105]);
    expect(recentTradeBars(events, 5)).toBeNull();
  });
});
