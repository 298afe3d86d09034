// Specs of state changes: only through the transition table, multi-step paths, fills joined with their order, venue statuses adopted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { ActivityTracker } from '../../../engine/orders/activity.ts';
import { adoptVenueOrder, ingestFill, type MoveContext, moveOrder, pathTo } from '../../../engine/orders/order-moves.ts';
import { transition } from '../../../engine/orders/order-state.ts';
import type { VenueFill, VenueOrder } from '../../../engine/plugins/plugin-api.ts';
import { T0, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let ctx: MoveContext;

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open({ transitionGuard: (f, t) => void transition(f, t) });
  ctx = { ledger, venue: 'paper', clock: env.clock, activity: new ActivityTracker() };
});
afterEach(() => env.cleanup());

function pending(cid = 'c1', qty = 1) {
  return ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty, strategy: 's', sent: { price: 100, qty } });
}

function fill(id: string, qty: number, extra: Partial<VenueFill> = {}): VenueFill {
  return { venueFillId: id, venueOrderId: 'v1', clientOrderId: 'c1', instrument: 'BTC-USD', side: 'buy', quantity: qty, price: 100, feeUsd: 0.05, liquidity: 'taker', ts: T0, ...extra };
}

function venueOrder(status: VenueOrder['status'], filled = 0): VenueOrder {
  return { clientOrderId: 'c1', venueOrderId: 'v1', instrument: 'BTC-USD', side: 'buy', type: 'limit', quantity: 1, filledQuantity: filled, status, updatedAt: T0 };
}

describe('pathTo', () => {
  it('finds the shortest way through the table, or none', () => {
    expect(pathTo('pending_submit', 'expired')).toEqual(['submitted', 'expired']);
    expect(pathTo('submitted', 'failed')).toEqual(['unknown', 'failed']);
    expect(pathTo('pending_submit', 'filled')).toEqual(['filled']);
    expect(pathTo('filled', 'canceled')).toBeNull();
  });
});

describe('moveOrder', () => {
  it('logs one event per table edge, all in one transaction, with the venue order id', () => {
    pending();
    const moved = moveOrder(ctx, ledger.orders.require('c1'), { to: 'expired', event: 'reconciled', source: 'reconcile', venueOrderId: 'v1' });
    expect(moved).toMatchObject({ state: 'expired', venueOrderId: 'v1' });
    expect(ledger.orders.events('c1').map((e) => [e.fromState, e.toState, e.source])).toEqual([
      [null, 'pending_submit', 'engine'], ['pending_submit', 'submitted', 'reconcile'], ['submitted', 'expired', 'reconcile'],
    ]);
  });

  it('refuses a change the table does not hold with ORDER_TRANSITION_INVALID, and changes nothing', () => {
    pending();
    const filled = moveOrder(ctx, ledger.orders.require('c1'), { to: 'filled', event: 'fill', source: 'venue' });
    expect(() => moveOrder(ctx, filled, { to: 'canceled', event: 'cancel_ack', source: 'venue' })).toThrow(expect.objectContaining({ code: 'ORDER_TRANSITION_INVALID', kind: 'halt' }));
    expect(ledger.orders.require('c1').state).toBe('filled');
  });

  it('treats a repeat of the current state as nothing to do', () => {
    const order = pending();
    expect(moveOrder(ctx, order, { to: 'pending_submit', event: 'again', source: 'engine' })).toBe(order);
    expect(ledger.orders.events('c1')).toHaveLength(1);
  });
});

describe('ingestFill', () => {
  it('books a fill and moves its order by filled quantity: partial, then filled', () => {
    pending('c1', 1);
    expect(ingestFill(ctx, fill('f1', 0.4), 'venue')).toMatchObject({ status: 'applied', order: { state: 'partially_filled', filledQty: 0.4 } });
    expect(ingestFill(ctx, fill('f2', 0.6), 'venue')).toMatchObject({ status: 'applied', order: { state: 'filled', filledQty: 1, feesUsd: 0.1 } });
    expect(ledger.position('BTC-USD').qty).toBe(1);
  });

  it('books a fill exactly once, however often it arrives', () => {
    pending();
    ingestFill(ctx, fill('f1', 0.5), 'venue');
    expect(ingestFill(ctx, fill('f1', 0.5), 'reconcile')).toMatchObject({ status: 'duplicate', matches: true });
    expect(ingestFill(ctx, fill('f1', 0.7), 'reconcile')).toMatchObject({ status: 'duplicate', matches: false });
    expect(ledger.position('BTC-USD').qty).toBe(0.5);
    expect(ledger.fills.count()).toBe(1);
  });

  it('books a fill on an order already terminal (it traded before the cancel went through) and notes it', () => {
    const order = pending();
    moveOrder(ctx, order, { to: 'canceled', event: 'cancel_ack', source: 'venue' });
    expect(ingestFill(ctx, fill('f1', 0.3), 'venue')).toMatchObject({ status: 'applied', order: { state: 'canceled' } });
    expect(ledger.orders.events('c1').at(-1)).toMatchObject({ event: 'fill_after_terminal', toState: 'canceled' });
    expect(ledger.position('BTC-USD').qty).toBe(0.3);
  });
});

describe('adoptVenueOrder', () => {
  it('acknowledges an unconfirmed order the venue shows open', () => {
    const order = moveOrder(ctx, pending(), { to: 'unknown', event: 'ack_timeout', source: 'engine' });
    expect(adoptVenueOrder(ctx, order, venueOrder('open'), 'reconcile', 'reconciled')).toEqual({ order: expect.objectContaining({ state: 'submitted', venueOrderId: 'v1' }), fillsMissing: false });
  });

  it('does not move an order past fills the ledger does not hold yet', () => {
    const order = pending();
    const adopted = adoptVenueOrder(ctx, order, venueOrder('filled', 1), 'venue', 'venue_ack');
    expect(adopted).toMatchObject({ fillsMissing: true, order: { state: 'unknown' } });
    ingestFill(ctx, fill('f1', 1), 'reconcile');
    expect(ledger.orders.require('c1').state).toBe('filled');
  });

  it('ends an order as the venue says: canceled, expired, or rejected (canceled once it has traded)', () => {
    expect(adoptVenueOrder(ctx, pending('c1'), venueOrder('expired'), 'reconcile', 'reconciled').order.state).toBe('expired');
    pending('c2');
    const part = ingestFill(ctx, fill('f9', 0.2, { clientOrderId: 'c2', venueOrderId: 'v2' }), 'venue');
    const rejected = { ...venueOrder('rejected', 0.2), clientOrderId: 'c2', venueOrderId: 'v2' };
    expect(adoptVenueOrder(ctx, part.order!, rejected, 'reconcile', 'reconciled').order.state).toBe('canceled');
  });
});
