// Specs of the activity rebuild: after a restart the counters read back from the ledger equal those the live tracker held.
import { afterEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { ActivityTracker } from '../../../engine/orders/activity.ts';
import type { OrderState } from '../../../engine/types.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const T = Date.UTC(2024, 2, 10, 12, 0, 0);
let env: TempLedgers | undefined;
afterEach(() => env?.cleanup());

/** A ledger and a live tracker fed the same order moves, as the order manager feeds them. */
function pair() {
  env = tempLedgers(T);
  const ledger: Ledger = env.open();
  const live = new ActivityTracker();
  const clock = env.clock;
  const create = (cid: string, isEntry = true) => {
    const o = ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, strategy: 's' });
    live.onOrderCreated({ clientOrderId: cid, instrument: 'BTC-USD', createdAtMs: o.createdAtMs, notionalUsd: 100, isEntry, cycleId: 1 });
  };
  const move = (cid: string, from: OrderState, to: OrderState) => {
    const o = ledger.orders.changeState({ clientOrderId: cid, from, to, event: 'e' });
    live.onOrderState(o, from, to, clock.now());
  };
  const rebuilt = () => {
    const a = new ActivityTracker();
    a.rebuild(ledger, clock.now());
    return a;
  };
  return { ledger, live, clock, create, move, rebuilt };
}

describe('ActivityTracker.rebuild', () => {
  it('keeps the failure streak reset by an order the venue accepted, even when that order later expired unfilled', () => {
    const { live, clock, create, move, rebuilt } = pair();
    create('x');
    move('x', 'pending_submit', 'rejected');
    clock.advance(1000);
    create('y');
    move('y', 'pending_submit', 'submitted');
    clock.advance(1000);
    move('y', 'submitted', 'expired');
    expect(live.failures(clock.now()).consecutive).toBe(0);
    expect(rebuilt().failures(clock.now()).consecutive).toBe(0);
  });

  it('counts a failure that came after a success, though its order was created before it', () => {
    const { live, clock, create, move, rebuilt } = pair();
    create('x');
    clock.advance(1000);
    create('y');
    move('y', 'pending_submit', 'submitted');
    clock.advance(5000);
    move('x', 'pending_submit', 'unknown');
    expect(live.failures(clock.now()).consecutive).toBe(1);
    expect(rebuilt().failures(clock.now())).toEqual(live.failures(clock.now()));
  });

  it('counts as a trade today what the live tracker counted: the order\u2019s effect (order.is_entry), not the strategy\u2019s label', () => {
    const { ledger, live, clock, create, move, rebuilt } = pair();
    // A signal labelled entry that only reduces a position: the order manager reports it with isEntry false.
    create('r', false);
    ledger.decisions.record(
      { outcome: 'allow', violations: [], evaluated: [], errors: [], ruleSetVersion: 'v', evaluatedAt: T, context: { appliesTo: 'entry', mode: 'paper' } },
      { facts: { 'order.is_entry': false }, clientOrderId: 'r' },
    );
    move('r', 'pending_submit', 'submitted');
    expect(live.tradesToday('BTC-USD', clock.now())).toBe(0);
    expect(rebuilt().tradesToday('BTC-USD', clock.now())).toBe(0);
  });
});

describe('ActivityTracker loss streak', () => {
  it('counts two closing orders whose fills interleave as two trades, not three', () => {
    const a = new ActivityTracker();
    a.onClosingFill('order:1', -5, T);
    a.onClosingFill('order:2', -3, T + 10);
    a.onClosingFill('order:1', -1, T + 20);
    expect(a.losses(T + 20)).toEqual({ consecutive: 2, msSinceLast: 0 });
  });

  it('orders trades by their latest fill: a closing order still losing after another\u2019s winning fill is the latest trade', () => {
    const a = new ActivityTracker();
    a.onClosingFill('order:1', -5, T);
    a.onClosingFill('order:2', 4, T + 10);
    a.onClosingFill('order:1', -1, T + 20);
    expect(a.losses(T + 20).consecutive).toBe(1);
    a.onClosingFill('order:2', 1, T + 30);
    expect(a.losses(T + 30).consecutive).toBe(0);
  });
});
