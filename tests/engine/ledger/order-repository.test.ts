// Specs of the order store: pending_submit persisted first, compare-and-set state changes, an append-only event log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import type { NewOrder } from '../../../engine/ledger/order-repository.ts';
import { transition } from '../../../engine/orders/order-state.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const order: NewOrder = {
  clientOrderId: 'tg-abc', intentKey: '[1,"s","BTC-USD","n:1","buy"]', venue: 'paper', instrument: 'BTC-USD', side: 'buy',
  orderType: 'limit', qty: 0.25, limitPrice: 30_000, strategy: 'canary', ttlMs: 60_000, runId: 'run-1',
};

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open({ transitionGuard: transition });
});
afterEach(() => env.cleanup());

describe('OrderRepository', () => {
  it('persists a new order as pending_submit with a created event, stamped by the clock', () => {
    const o = ledger.orders.insertPending(order);
    expect(o).toMatchObject({ clientOrderId: 'tg-abc', state: 'pending_submit', qty: 0.25, limitPrice: 30_000, mode: 'paper',
      createdAtMs: env.clock.now(), venueOrderId: null, filledQty: 0, ttlMs: 60_000 });
    expect(ledger.orders.events('tg-abc')).toEqual([
      expect.objectContaining({ fromState: null, toState: 'pending_submit', event: 'created', tsMs: env.clock.now() }),
    ]);
  });

  it('never holds two orders with one client order id (a duplicate intent cannot be submitted twice)', () => {
    ledger.orders.insertPending(order);
    expect(() => ledger.orders.insertPending(order)).toThrow(expect.objectContaining({ code: 'LEDGER_ORDER_CONFLICT' }));
    expect(ledger.orders.inStates(['pending_submit'])).toHaveLength(1);
  });

  it('records submitted with the venue order id and the terms actually sent', () => {
    ledger.orders.insertPending(order);
    env.clock.advance(250);
    const o = ledger.orders.changeState({ clientOrderId: 'tg-abc', from: 'pending_submit', to: 'submitted', event: 'venue_ack',
      source: 'venue', venueOrderId: 'V-1', sent: { price: 30_001.5, qty: 0.25 }, payload: { raw: 'ack' } });
    expect(o).toMatchObject({ state: 'submitted', venueOrderId: 'V-1', sentPrice: 30_001.5, sentQty: 0.25, sentNotionalUsd: 7_500.375,
      submittedAtMs: env.clock.now() });
    expect(ledger.orders.events('tg-abc').at(-1)).toMatchObject({ fromState: 'pending_submit', toState: 'submitted', payload: { raw: 'ack' } });
  });

  it('refuses a change of an order it does not hold (LEDGER_ORDER_NOT_FOUND)', () => {
    expect(() => ledger.orders.changeState({ clientOrderId: 'tg-none', from: 'pending_submit', to: 'submitted', event: 'venue_ack' })).toThrow(
      expect.objectContaining({ code: 'LEDGER_ORDER_NOT_FOUND' }),
    );
  });

  it('refuses a change from a state the order is not in (LEDGER_ORDER_CONFLICT) and logs nothing', () => {
    ledger.orders.insertPending(order);
    ledger.orders.changeState({ clientOrderId: 'tg-abc', from: 'pending_submit', to: 'unknown', event: 'ack_timeout' });
    expect(() => ledger.orders.changeState({ clientOrderId: 'tg-abc', from: 'pending_submit', to: 'submitted', event: 'venue_ack' })).toThrow(
      expect.objectContaining({ code: 'LEDGER_ORDER_CONFLICT', kind: 'halt' }),
    );
    expect(ledger.orders.events('tg-abc')).toHaveLength(2);
  });

  it('applies the transition guard it was given: an illegal change throws ORDER_TRANSITION_INVALID', () => {
    ledger.orders.insertPending(order);
    ledger.orders.changeState({ clientOrderId: 'tg-abc', from: 'pending_submit', to: 'rejected', event: 'venue_reject' });
    expect(() => ledger.orders.changeState({ clientOrderId: 'tg-abc', from: 'rejected', to: 'submitted', event: 'x' })).toThrow(
      expect.objectContaining({ code: 'ORDER_TRANSITION_INVALID' }),
    );
    expect(ledger.orders.require('tg-abc').state).toBe('rejected');
  });

  it('logs reconciliation notes without changing state', () => {
    ledger.orders.insertPending(order);
    ledger.orders.note('tg-abc', { event: 'not_visible_yet', source: 'reconcile', reason: 'attempt 1 of 5' });
    expect(ledger.orders.events('tg-abc').at(-1)).toMatchObject({ fromState: 'pending_submit', toState: 'pending_submit',
      source: 'reconcile', reason: 'attempt 1 of 5' });
  });

  it('counts unknown orders per instrument (the facts that block re-entry) and lists by state', () => {
    ledger.orders.insertPending(order);
    ledger.orders.insertPending({ ...order, clientOrderId: 'tg-def', instrument: 'ETH-USD' });
    ledger.orders.changeState({ clientOrderId: 'tg-abc', from: 'pending_submit', to: 'unknown', event: 'ack_timeout' });
    expect(ledger.orders.countInState('unknown', 'BTC-USD')).toBe(1);
    expect(ledger.orders.countInState('unknown', 'ETH-USD')).toBe(0);
    expect(ledger.orders.countInState('unknown')).toBe(1);
    expect(ledger.orders.inStates(['pending_submit', 'unknown']).map((o) => o.clientOrderId)).toEqual(['tg-abc', 'tg-def']);
    expect(ledger.orders.inStates([])).toEqual([]);
  });

  it('finds the row id of an order without reading it, and books fills on it, returning the order as updated', () => {
    const o = ledger.orders.insertPending(order);
    expect(ledger.orders.idOf('tg-abc')).toBe(o.id);
    expect(ledger.orders.idOf('tg-none')).toBeUndefined();
    env.clock.advance(10);
    const booked = ledger.orders.addFill(o.id, 10_000_000, 1_500);
    expect(booked).toEqual(ledger.orders.require('tg-abc'));
    expect(booked).toMatchObject({ filledQty: 0.1, feesUsd: 0.0015, updatedAtMs: env.clock.now() });
    expect(() => ledger.orders.addFill(o.id + 1, 1, 0)).toThrow(expect.objectContaining({ code: 'LEDGER_ORDER_NOT_FOUND' }));
  });

  it('reports a missing order as LEDGER_ORDER_NOT_FOUND', () => {
    expect(ledger.orders.get('tg-none')).toBeUndefined();
    expect(() => ledger.orders.require('tg-none')).toThrow(expect.objectContaining({ code: 'LEDGER_ORDER_NOT_FOUND' }));
  });

  it('survives a restart with its state and full history', () => {
    ledger.orders.insertPending(order);
    ledger.orders.changeState({ clientOrderId: 'tg-abc', from: 'pending_submit', to: 'submitted', event: 'venue_ack', venueOrderId: 'V-9' });
    ledger.close();
    const again = env.open();
    expect(again.orders.require('tg-abc')).toMatchObject({ state: 'submitted', venueOrderId: 'V-9' });
    expect(again.orders.events('tg-abc').map((e) => e.toState)).toEqual(['pending_submit', 'submitted']);
  });
});
