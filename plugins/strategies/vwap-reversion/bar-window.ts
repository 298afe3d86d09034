// The last N trade bars of an instrument's history, only when they are complete and back to back (no gap, no quote-only minute).
import type { Bar, MarketEvent } from '../../../engine/plugins/plugin-api.ts';

/**
 * The trade bars of the last `count` events, oldest first, or null when any of them has no trade
 * or two neighbours are not one period apart. Indicators over a window with holes would compare
 * prices from different hours as if they were minutes apart; no signal is the safe answer.
 */
export function recentTradeBars(history: readonly MarketEvent[], count: number): Bar[] | null {
  if (!Number.isInteger(count) || count < 1 || history.length < count) return null;
  const bars: Bar[] = [];
  for (let i = history.length - count; i < history.length; i++) {
    const event = history[i]!;
    if (event.trade === null) return null;
    const previous = bars[bars.length - 1];
    if (previous && event.trade.ts - previous.ts !== previous.periodMs) return null;
    bars.push(event.trade);
  }
  return bars;
}
