// Specs of the snapshot assembly: entry detection, held quantity per leg, every namespace the catalog defines for an order.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, flattenSnapshot, heldQuantity, isEntryOrder } from '../../../engine/orders/order-facts.ts';
import { FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';

describe('isEntryOrder', () => {
  it('calls an order an entry when it opens, adds to, or flips a position, and an exit when it only reduces it', () => {
    expect(isEntryOrder(0, 'buy', 1)).toBe(true);
    expect(isEntryOrder(1, 'buy', 1)).toBe(true);
    expect(isEntryOrder(-1, 'sell', 1)).toBe(true);
    expect(isEntryOrder(1, 'sell', 0.4)).toBe(false);
    expect(isEntryOrder(1, 'sell', 1)).toBe(false);
    expect(isEntryOrder(1, 'sell', 1.5)).toBe(true);
    expect(isEntryOrder(-0.3, 'buy', 0.3)).toBe(false);
  });
});

describe('heldQuantity', () => {
  it('reads the leg the side trades: buy_no holds NO contracts, not a short in YES', () => {
    const positions = [
      { instrument: 'K-1', leg: 'yes' as const, qty: 5 },
      { instrument: 'K-1', leg: 'no' as const, qty: 2 },
      { instrument: 'BTC-USD', leg: 'outright' as const, qty: -0.5 },
    ];
    expect(heldQuantity(positions, 'K-1', 'buy_no')).toBe(2);
    expect(heldQuantity(positions, 'K-1', 'sell_yes')).toBe(5);
    expect(heldQuantity(positions, 'BTC-USD', 'buy')).toBe(-0.5);
    expect(heldQuantity(positions, 'ETH-USD', 'buy')).toBe(0);
  });
});

describe('buildSnapshot', () => {
  const parts = {
    signal: { instrument: 'BTC-USD', side: 'buy' as const, orderType: 'limit' as const, intent: 'entry' as const },
    quantity: 0.01,
    executionPrice: 6800,
    strategy: 'canary',
    venue: 'paper',
    isEntry: true,
    market: { bid: 6799, ask: 6800 },
    activity: {
      orders_this_cycle: 1, notional_this_cycle_usd: 50, orders_in_window_for_instrument: 0, trades_today_for_market: 0,
      consecutive_failures: 0, ms_since_last_failure: 1, consecutive_losses: 0, ms_since_last_loss: 1, unknown_orders_for_instrument: 0,
    },
    controls: { kill_level: 'none' as const, trading_mode: 'paper' as const, allowed_instruments: ['BTC-USD'], allowed_strategies: ['canary'] },
    feed: { age_ms: 10, stale: false, gap_open: false },
    execution: { quality_score: 1, reject_rate: 0 },
    barsSinceStart: 30,
    nowMs: Date.UTC(2018, 3, 4, 13, 5),
  };

  it('fills the order, activity, controls, feed, execution and time namespaces with catalog facts only', () => {
    const flat = flattenSnapshot(buildSnapshot(parts));
    for (const path of Object.keys(flat)) expect(FACT_CATALOG.has(path), path).toBe(true);
    expect(flat).toMatchObject({
      'order.notional_usd': 68, 'order.reduce_only': false, 'order.window_start_ms': parts.nowMs,
      'activity.notional_this_cycle_after_order_usd': 118, 'time.utc_hour': 13, 'time.bars_since_start': 30,
    });
    expect(flat['time.ms_to_window_close'] as number).toBeGreaterThan(86_400_000);
  });

  it('leaves the account and position namespaces out when the books are unavailable, so rules reading them fail closed', () => {
    const snapshot = buildSnapshot(parts);
    expect(snapshot['account']).toBeUndefined();
    expect(snapshot['position']).toBeUndefined();
  });

  it('uses the signal window when it has one', () => {
    const start = parts.nowMs - 60_000;
    const flat = flattenSnapshot(buildSnapshot({ ...parts, signal: { ...parts.signal, windowStartMs: start, windowEndMs: parts.nowMs + 1000 } }));
    expect(flat).toMatchObject({ 'order.window_start_ms': start, 'time.ms_to_window_close': 1000 });
  });
});
