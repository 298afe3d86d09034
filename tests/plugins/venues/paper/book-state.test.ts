// Tests of the state check: a fresh book passes, and each kind of damage is named rather than trusted.
import { describe, expect, it } from 'vitest';
import { type BookState, emptyState, stateDefect } from '../../../../plugins/venues/paper/book-state.ts';

function withOrder(): BookState {
  const s = emptyState('book-1', 1_000_000);
  s.orders.push({
    seq: 1, clientOrderId: 'c1', venueOrderId: 'book-1-o1', instrument: 'BTC-USD', side: 'buy', type: 'limit', quantity: 1, filledQuantity: 0,
    limitPrice: 100, reduceOnly: false, status: 'open', rejectReason: null, placedAt: 1, arrivalTs: 2, expiresAt: null, arrived: false, resting: false, updatedAt: 1,
  });
  s.ordersReceived = 1;
  return s;
}

describe('stateDefect', () => {
  it('accepts a fresh book and a book with orders', () => {
    expect(stateDefect(emptyState('b', 5))).toBeNull();
    expect(stateDefect(JSON.parse(JSON.stringify(withOrder())))).toBeNull();
  });

  it.each([
    ['a newer version', (s: BookState) => Object.assign(s, { version: 2 }), 'state version is 2'],
    ['fractional cash', (s: BookState) => Object.assign(s, { cashMicros: 1.5 }), 'cashMicros'],
    ['an order out of sequence', (s: BookState) => Object.assign(s.orders[0]!, { seq: 4 }), 'orders[0].seq is 4'],
    ['an unknown status', (s: BookState) => Object.assign(s.orders[0]!, { status: 'done' }), 'status'],
    ['a duplicated client id', (s: BookState) => s.orders.push({ ...s.orders[0]!, seq: 2 }), 'appears twice'],
    ['fewer requests than orders', (s: BookState) => Object.assign(s, { ordersReceived: 0 }), 'ordersReceived'],
    ['a position that is not a number', (s: BookState) => Object.assign(s, { positions: { X: '1' } }), 'positions'],
  ])('refuses %s', (_what, damage, says) => {
    const s = withOrder();
    damage(s);
    expect(stateDefect(JSON.parse(JSON.stringify(s)))).toContain(says);
  });
});
