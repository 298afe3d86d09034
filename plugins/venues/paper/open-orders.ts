// The book's working orders (open or partially filled) in seq order: derived from the orders, never saved, so per-event and per-call work follows what is open, not the history.
import { isOpen } from './account.ts';
import type { OrderRecord } from './book-state.ts';

/**
 * A Map keyed by seq: orders only join at a seq above every other (new orders, or a loaded book walked in order),
 * so insertion order is seq order, and an order may leave while the map is being iterated (the current entry
 * included) without disturbing the rest of the iteration: matching closes orders as it walks them.
 */
export class OpenOrders implements Iterable<OrderRecord> {
  readonly #bySeq = new Map<number, OrderRecord>();
  #lastSeq = 0;

  /** The index of a book's orders, as loaded (after the journal replay) or new. */
  static of(orders: readonly OrderRecord[]): OpenOrders {
    const open = new OpenOrders();
    for (const o of orders) open.add(o);
    return open;
  }

  get size(): number {
    return this.#bySeq.size;
  }

  /** Takes in a new order if it is open (a refused one never is). */
  add(order: OrderRecord): void {
    if (order.seq <= this.#lastSeq) throw new Error(`open orders: order seq ${order.seq} added after ${this.#lastSeq}: the index would leave seq order`);
    this.#lastSeq = order.seq;
    if (isOpen(order)) this.#bySeq.set(order.seq, order);
  }

  /** To be called after every change of an order's status: drops it once it is no longer open. Orders never reopen. */
  update(order: OrderRecord): void {
    if (!isOpen(order)) this.#bySeq.delete(order.seq);
  }

  [Symbol.iterator](): Iterator<OrderRecord> {
    return this.#bySeq.values();
  }
}
