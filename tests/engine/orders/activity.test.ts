// Specs of the activity counters: per cycle, per window, per UTC day, failure and loss streaks, execution quality, and their rebuild from the ledger.
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityTracker, NEVER_MS } from '../../../engine/orders/activity.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const T = Date.UTC(2024, 2, 10, 12, 0, 0);
let env: TempLedgers | undefined;
afterEach(() => env?.cleanup());

function created(a: ActivityTracker, cid: string, at: number, extra: Partial<Parameters<ActivityTracker['onOrderCreated']>[0]> = {}): void {
  a.onOrderCreated({ clientOrderId: cid, instrument: 'BTC-USD', createdAtMs: at, notionalUsd: 10, isEntry: true, cycleId: 1, ...extra });
}

describe('ActivityTracker', () => {
  it('counts orders and notional per decision cycle, starting over when the cycle changes', () => {
    const a = new ActivityTracker();
    created(a, 'a', T);
    created(a, 'b', T, { notionalUsd: 5 });
    expect(a.cycle(1)).toEqual({ orders: 2, notionalUsd: 15 });
    expect(a.cycle(2)).toEqual({ orders: 0, notionalUsd: 0 });
  });

  it('counts orders in the signal window, or in the rolling window when there is none', () => {
    const a = new ActivityTracker({ orderWindowMs: 60_000 });
    created(a, 'a', T - 120_000);
    created(a, 'b', T - 30_000);
    created(a, 'c', T);
    expect(a.ordersInWindow({ instrument: 'BTC-USD', nowMs: T })).toBe(2);
    expect(a.ordersInWindow({ instrument: 'BTC-USD', nowMs: T, startMs: T - 200_000, endMs: T - 10_000 })).toBe(2);
    expect(a.ordersInWindow({ instrument: 'ETH-USD', nowMs: T })).toBe(0);
  });

  it('counts entries made today, drops those that ended without a fill, and starts over at 00:00 UTC', () => {
    const a = new ActivityTracker();
    created(a, 'a', T);
    created(a, 'b', T);
    created(a, 'x', T, { isEntry: false });
    a.onOrderState({ clientOrderId: 'b', filledQty: 0 }, 'submitted', 'canceled', T);
    a.onOrderState({ clientOrderId: 'a', filledQty: 0.01 }, 'submitted', 'filled', T);
    expect(a.tradesToday('BTC-USD', T)).toBe(1);
    expect(a.tradesToday('BTC-USD', Date.UTC(2024, 2, 11, 0, 0, 0))).toBe(0);
  });

  it('counts failures in a row once per order, resets on a success, and says how long ago the last was', () => {
    const a = new ActivityTracker();
    expect(a.failures(T)).toEqual({ consecutive: 0, msSinceLast: NEVER_MS });
    a.onOrderState({ clientOrderId: 'a', filledQty: 0 }, 'pending_submit', 'unknown', T);
    a.onOrderState({ clientOrderId: 'a', filledQty: 0 }, 'unknown', 'failed', T + 1000);
    a.onOrderState({ clientOrderId: 'b', filledQty: 0 }, 'pending_submit', 'rejected', T + 2000);
    expect(a.failures(T + 5000)).toEqual({ consecutive: 2, msSinceLast: 3000 });
    a.onOrderState({ clientOrderId: 'c', filledQty: 0 }, 'pending_submit', 'submitted', T + 6000);
    expect(a.failures(T + 6000).consecutive).toBe(0);
  });

  it('counts losing closed trades in a row, one closing order (however many fills) as one trade', () => {
    const a = new ActivityTracker();
    a.onClosingFill('order:1', -5, T);
    a.onClosingFill('order:1', -1, T);
    a.onClosingFill('order:2', -2, T + 10);
    expect(a.losses(T + 20)).toEqual({ consecutive: 2, msSinceLast: 10 });
    a.onClosingFill('order:3', 1, T + 30);
    expect(a.losses(T + 30).consecutive).toBe(0);
    // The same order's next fill turns its net result into a loss: the streak before it continues.
    a.onClosingFill('order:3', -4, T + 40);
    expect(a.losses(T + 40)).toEqual({ consecutive: 3, msSinceLast: 0 });
  });

  it('measures execution quality over recent outcomes, counting missing ones as good below the minimum sample', () => {
    const a = new ActivityTracker({ qualityMinSample: 10, qualityWindowMs: 60_000 });
    expect(a.execution(T)).toEqual({ qualityScore: 1, rejectRate: 0 });
    a.onOrderState({ clientOrderId: 'a', filledQty: 0 }, 'pending_submit', 'rejected', T);
    a.onOrderState({ clientOrderId: 'b', filledQty: 0 }, 'pending_submit', 'unknown', T);
    expect(a.execution(T)).toEqual({ qualityScore: 0.8, rejectRate: 0.1 });
    a.onOrderState({ clientOrderId: 'b', filledQty: 0.1 }, 'unknown', 'filled', T);
    expect(a.execution(T).qualityScore).toBeCloseTo(0.9, 12);
    expect(a.execution(T + 61_000)).toEqual({ qualityScore: 1, rejectRate: 0 });
  });

  it('rebuilds from the ledger what it counted live: window, trades today, failure streak, loss streak', () => {
    env = tempLedgers(T);
    const ledger = env.open();
    const order = (cid: string, side: 'buy' | 'sell') => ledger.orders.insertPending({
      clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side, orderType: 'limit', qty: 1, strategy: 's',
    });
    order('a', 'buy');
    ledger.decisions.record(
      { outcome: 'allow', violations: [], evaluated: [], errors: [], ruleSetVersion: 'v', evaluatedAt: T, context: { appliesTo: 'entry', mode: 'paper' } },
      { facts: {}, clientOrderId: 'a' },
    );
    ledger.orders.changeState({ clientOrderId: 'a', from: 'pending_submit', to: 'submitted', event: 'venue_ack' });
    ledger.applyFill({ venue: 'paper', venueFillId: 'f1', clientOrderId: 'a', instrument: 'BTC-USD', side: 'buy', qty: 1, price: 100, fee: 0, liquidity: 'taker', tsMs: T });
    order('b', 'sell');
    ledger.applyFill({ venue: 'paper', venueFillId: 'f2', clientOrderId: 'b', instrument: 'BTC-USD', side: 'sell', qty: 1, price: 90, fee: 0, liquidity: 'taker', tsMs: T });
    order('c', 'buy');
    ledger.orders.changeState({ clientOrderId: 'c', from: 'pending_submit', to: 'rejected', event: 'venue_reject' });

    const a = new ActivityTracker();
    a.rebuild(ledger, T + 1000);
    expect(a.ordersInWindow({ instrument: 'BTC-USD', nowMs: T + 1000 })).toBe(3);
    expect(a.tradesToday('BTC-USD', T + 1000)).toBe(1);
    expect(a.failures(T + 1000)).toEqual({ consecutive: 1, msSinceLast: 1000 });
    expect(a.losses(T + 1000)).toEqual({ consecutive: 1, msSinceLast: 1000 });
    expect(a.cycle(1)).toEqual({ orders: 0, notionalUsd: 0 });
  });
});
