// Specs for what the session hands the order manager with each order: the instrument's quote as it is (a binary's YES book).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { MarketView } from '../../../engine/runtime/market-view.ts';
import { executeContext, type OrderDeps } from '../../../engine/runtime/session-orders.ts';
import { marketEvent, T0 } from '../../plugins/strategies/market-event-fixtures.ts';

function deps(): OrderDeps {
  const clock = new ManualClock(T0);
  const market = new MarketView({ clock, staleAfterMs: 180_000, volatileReturnBps: 60, historyBars: 60 });
  // A binary market quoted as its YES contract: 0.70 bid, 0.72 ask, no trade this minute.
  market.observe(marketEvent({ ts: T0, instrument: 'WIN', trade: false, bid: 0.7, ask: 0.72 }));
  clock.set(T0 + 60_000);
  const state = { controlsFacts: () => ({}) } as unknown as OrderDeps['state'];
  return { market, state } as unknown as OrderDeps;
}

describe('executeContext', () => {
  it('hands over the YES book untouched: the order manager turns it to the NO book for a NO order (marketFacts), so it is never turned twice', () => {
    expect(executeContext(deps(), 'canary', 'WIN', 1)?.market).toMatchObject({ bid: 0.7, ask: 0.72, lastPrice: 0.71 });
  });

  it('has nothing to hand over before the instrument has a quote', () => {
    expect(executeContext(deps(), 'canary', 'ETH-USD', 1)).toBeNull();
  });
});
