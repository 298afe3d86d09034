// Tests of the index of open orders: seq order, leaving on close, and closing orders while walking it.
import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../../../plugins/venues/paper/book-state.ts';
import { OpenOrders } from '../../../../plugins/venues/paper/open-orders.ts';

function record(seq: number, status: OrderRecord['status'] = 'open'): OrderRecord {
  return {
    seq, clientOrderId: `c${seq}`, venueOrderId: `b-o${seq}`, instrument: 'BTC-USD', side: 'buy', type: 'limit', quantity: 1, filledQuantity: 0, limitPrice: 100,
    reduceOnly: false, status, rejectReason: null, placedAt: 0, arrivalTs: 0, expiresAt: null, arrived: false, resting: false, updatedAt: 0,
  };
}

const seqs = (open: OpenOrders) => [...open].map((o) => o.seq);

describe('OpenOrders', () => {
  it('holds the open and partially filled orders of a loaded book, in seq order', () => {
    const orders = [record(1, 'filled'), record(2), record(3, 'rejected'), record(4, 'partially_filled'), record(5, 'expired'), record(6, 'canceled'), record(7)];
    const open = OpenOrders.of(orders);
    expect(seqs(open)).toEqual([2, 4, 7]);
    expect(open.size).toBe(3);
  });

  it('takes in a new open order, not a refused one, and refuses one that would break seq order', () => {
    const open = OpenOrders.of([record(1)]);
    open.add(record(2, 'rejected'));
    open.add(record(3));
    expect(seqs(open)).toEqual([1, 3]);
    expect(() => open.add(record(3))).toThrow(/seq order/);
    expect(() => open.add(record(2))).toThrow(/seq order/);
  });

  it('drops an order on update once it is no longer open, and keeps one still working', () => {
    const orders = [record(1), record(2), record(3)];
    const open = OpenOrders.of(orders);
    orders[0]!.status = 'partially_filled';
    open.update(orders[0]!);
    orders[1]!.status = 'canceled';
    open.update(orders[1]!);
    expect(seqs(open)).toEqual([1, 3]);
  });

  it('lets a walk close the order it is on and still visit every later one, once', () => {
    const orders = [1, 2, 3, 4, 5].map((seq) => record(seq));
    const open = OpenOrders.of(orders);
    const visited: number[] = [];
    for (const o of open) {
      visited.push(o.seq);
      if (o.seq % 2 === 1) {
        o.status = 'filled';
        open.update(o);
      }
    }
    expect(visited).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(open)).toEqual([2, 4]);
  });
});
