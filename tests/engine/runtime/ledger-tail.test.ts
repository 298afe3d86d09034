// Specs for the ledger's event trail: each order state change, fill and breaker trip or reset announced once, in order, whoever wrote it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus, type TradegateEvents } from '../../../engine/bus.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { Breaker } from '../../../engine/runtime/breaker.ts';
import { LedgerTail } from '../../../engine/runtime/ledger-tail.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let bus: EventBus;
let seen: [keyof TradegateEvents, unknown][];

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  ledger.deposit(10_000, 'seed');
  bus = new EventBus();
  seen = [];
  for (const name of ['order.updated', 'order.unknown', 'fill.applied', 'breaker.tripped', 'breaker.reset'] as const) {
    bus.on(name, (payload) => void seen.push([name, payload]));
  }
});
afterEach(() => env.cleanup());

function order(cid: string): void {
  ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary', runId: 'run-1' });
}

describe('LedgerTail', () => {
  it('announces every order state change and fill once, in the order they happened, with the order they belong to', () => {
    const tail = new LedgerTail(ledger, bus);
    order('a');
    ledger.orders.changeState({ clientOrderId: 'a', from: 'pending_submit', to: 'submitted', event: 'ack', venueOrderId: 'v-a' });
    ledger.orders.note('a', { event: 'reconcile_check' });
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { clientOrderId: 'a', fee: 0.05, venueFillId: 'fa' }));
    ledger.orders.changeState({ clientOrderId: 'a', from: 'submitted', to: 'filled', event: 'fill' });
    expect(tail.poll()).toBe(4);
    expect(seen.map(([name, p]) => [name, (p as { state?: string }).state ?? null])).toEqual([
      ['order.updated', 'pending_submit'],
      ['order.updated', 'submitted'],
      ['order.updated', 'filled'],
      ['fill.applied', null],
    ]);
    expect(seen[1]![1]).toMatchObject({ clientOrderId: 'a', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary', side: 'buy', mode: 'paper', fromState: 'pending_submit', qty: 1 });
    expect(seen[3]![1]).toEqual({ clientOrderId: 'a', venue: 'paper', venueFillId: 'fa', instrument: 'BTC-USD', side: 'buy', qty: 1, price: 100, feeUsd: 0.05, realizedPnlUsd: 0, liquidity: 'taker' });
    expect(tail.poll()).toBe(0);
  });

  it('announces an order that went unknown as order.unknown too', () => {
    const tail = new LedgerTail(ledger, bus);
    order('b');
    ledger.orders.changeState({ clientOrderId: 'b', from: 'pending_submit', to: 'unknown', event: 'ack_timeout', reason: 'no answer in 5 s' });
    tail.poll();
    expect(seen.at(-1)).toEqual(['order.unknown', { clientOrderId: 'b', venue: 'paper', instrument: 'BTC-USD', reason: 'no answer in 5 s' }]);
  });

  it('does not announce again what the ledger held when it started (a restart)', () => {
    order('old');
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { clientOrderId: 'old' }));
    const tail = new LedgerTail(ledger, bus);
    expect(tail.poll()).toBe(0);
    expect(seen).toEqual([]);
  });

  it('announces trips and resets made by others, but not a trip the Breaker service already announced', () => {
    const tail = new LedgerTail(ledger, bus);
    const breaker = new Breaker({ repository: ledger.breaker, bus });
    ledger.breaker.trip('RECONCILE_MISMATCH: venue holds 1', 'orders');
    ledger.breaker.trip('a second cause while tripped', 'session');
    tail.poll();
    ledger.breaker.reset('cli:alice@host');
    tail.poll();
    breaker.applyAssertions([{ name: 'heartbeat', ok: false, message: 'stalled' }]);
    tail.poll();
    expect(seen).toEqual([
      ['breaker.tripped', { reason: 'RECONCILE_MISMATCH: venue holds 1', actor: 'orders' }],
      ['breaker.reset', { actor: 'cli:alice@host' }],
      ['breaker.tripped', { reason: 'assertion heartbeat failed: stalled', actor: 'assertion:heartbeat' }],
    ]);
  });

  it('skips the order and fill trails with nobody listening, and announces only what comes after a listener arrives', () => {
    const quiet = new EventBus();
    const tail = new LedgerTail(ledger, quiet);
    order('c');
    expect(tail.poll()).toBe(0);
    const updates: unknown[] = [];
    quiet.on('order.updated', (u) => void updates.push(u));
    ledger.orders.changeState({ clientOrderId: 'c', from: 'pending_submit', to: 'submitted', event: 'ack', venueOrderId: 'v-c' });
    tail.poll();
    expect(updates).toEqual([expect.objectContaining({ clientOrderId: 'c', fromState: 'pending_submit', state: 'submitted' })]);
  });
});
