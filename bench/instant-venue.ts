// A venue for throughput benches: in memory, it acknowledges and fully fills every order at once, so what is timed is the engine's own work.
import type { InstrumentInfo, Page, Venue, VenueFill, VenueOrder, VenueOrderRequest, VenuePosition, VenueStats } from '../engine/plugins/plugin-api.ts';

/**
 * Not the paper venue: that one persists its whole book on every change (the right call for a
 * simulator that must survive a crash, and a cost that grows with the book), which would make an
 * orders-per-second figure measure JSON files instead of the order pipeline. This one keeps what
 * the pipeline reads (orders, fills with resume cursors, positions, cash) in memory, and only the
 * recent part of it, so a heap figure after 100,000 orders is the engine's, not the venue's book:
 * the last RECENT orders (the bench never repeats a client order id) and the fills not yet read.
 */
const RECENT = 10_000;

export class InstantVenue implements Venue {
  readonly name = 'instant';
  readonly #orders = new Map<string, VenueOrder>();
  #fills: VenueFill[] = [];
  /** Fills before this position were read and dropped; cursors count from the venue's first fill. */
  #fillBase = 0;
  #placed = 0;
  readonly #positions = new Map<string, number>();
  #cash: number;
  #received = 0;

  constructor(cashUsd: number, readonly now: () => number) {
    this.#cash = cashUsd;
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  async instruments(): Promise<readonly InstrumentInfo[]> {
    return [{ instrument: 'BTC-USD', minQuantity: 0.0001, quantityStep: 0.0001, priceTick: 0.01 }];
  }

  async placeOrder(req: VenueOrderRequest): Promise<VenueOrder> {
    this.#received += 1;
    const existing = this.#orders.get(req.clientOrderId);
    if (existing) return existing;
    const seq = ++this.#placed;
    const price = req.limitPrice ?? 0;
    const order: VenueOrder = {
      clientOrderId: req.clientOrderId, venueOrderId: `o${seq}`, instrument: req.instrument, side: req.side, type: req.type,
      quantity: req.quantity, filledQuantity: req.quantity, ...(req.limitPrice !== undefined ? { limitPrice: req.limitPrice } : {}),
      status: 'filled', updatedAt: this.now(),
    };
    this.#orders.set(req.clientOrderId, order);
    if (this.#orders.size > RECENT) this.#orders.delete(this.#orders.keys().next().value as string);
    const sign = req.side === 'buy' ? 1 : -1;
    this.#positions.set(req.instrument, (this.#positions.get(req.instrument) ?? 0) + sign * req.quantity);
    this.#cash -= sign * req.quantity * price;
    this.#fills.push({
      venueFillId: `f${this.#fillBase + this.#fills.length + 1}`, venueOrderId: order.venueOrderId!, clientOrderId: req.clientOrderId, instrument: req.instrument,
      side: req.side, quantity: req.quantity, price, feeUsd: 0, liquidity: 'taker', ts: this.now(),
    });
    return order;
  }

  async cancelOrder(clientOrderId: string): Promise<VenueOrder | null> {
    return this.#orders.get(clientOrderId) ?? null;
  }

  async getOrder(clientOrderId: string): Promise<VenueOrder | null> {
    return this.#orders.get(clientOrderId) ?? null;
  }

  /** Every order fills at once, so none is ever open. */
  async listOrders(): Promise<Page<VenueOrder>> {
    return { items: [], cursor: null };
  }

  async listFills(query: { cursor?: string | null; limit?: number }): Promise<Page<VenueFill>> {
    const after = query.cursor ? Number(query.cursor) : 0;
    if (after < this.#fillBase) throw new Error(`instant venue: fills before ${this.#fillBase} were dropped after they were read`);
    const total = this.#fillBase + this.#fills.length;
    const end = Math.min(total, after + (query.limit ?? 100));
    const items = this.#fills.slice(after - this.#fillBase, end - this.#fillBase);
    // One reader (the engine): what it has read is dropped, in batches.
    if (end - this.#fillBase > 1024) {
      this.#fills = this.#fills.slice(end - this.#fillBase);
      this.#fillBase = end;
    }
    return { items, cursor: end < total ? String(end) : null, resumeCursor: String(end) };
  }

  async positions(): Promise<readonly VenuePosition[]> {
    return [...this.#positions].map(([instrument, quantity]) => ({ instrument, quantity }));
  }

  async balance(): Promise<{ readonly cashUsd: number }> {
    return { cashUsd: this.#cash };
  }

  async stats(): Promise<VenueStats> {
    return { ordersReceived: this.#received, distinctClientOrderIds: this.#placed, fills: this.#fillBase + this.#fills.length };
  }
}
