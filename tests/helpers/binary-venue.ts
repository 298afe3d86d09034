// A binary-market venue for tests, in memory: YES/NO contracts filled at the limit price, positions per leg, and markets an operator resolves.
import type { InstrumentInfo, Page, Venue, VenueFill, VenueOrder, VenueOrderRequest, VenuePosition } from '../../engine/plugins/plugin-api.ts';

type Leg = 'yes' | 'no';

const LEG_OF: Record<string, { leg: Leg; sign: 1 | -1 }> = {
  buy_yes: { leg: 'yes', sign: 1 }, sell_yes: { leg: 'yes', sign: -1 }, buy_no: { leg: 'no', sign: 1 }, sell_no: { leg: 'no', sign: -1 },
};

/**
 * No adapter for a real binary venue (Kalshi, Polymarket) ships yet, so this speaks the plugin API
 * the way one would: every order fills at once at its limit price, a contract pays 1.00 if its leg
 * wins and 0 if not, and `settlement()` answers null until resolve() is called. `failSettlement`
 * makes the next settlement() call throw, as a venue outage would.
 */
export class BinaryVenue implements Venue {
  readonly name = 'binary';
  readonly #orders = new Map<string, VenueOrder>();
  readonly #fills: VenueFill[] = [];
  readonly #held = new Map<string, number>();
  readonly #outcomes = new Map<string, Leg>();
  #cash: number;
  failSettlement = false;

  constructor(cashUsd: number, readonly now: () => number) {
    this.#cash = cashUsd;
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  async instruments(): Promise<readonly InstrumentInfo[]> {
    return [...new Set([...this.#held.keys()].map((k) => k.split('|')[0]!))].map((instrument) => ({ instrument, minQuantity: 1, quantityStep: 1, priceTick: 0.01 }));
  }

  async placeOrder(req: VenueOrderRequest): Promise<VenueOrder> {
    const existing = this.#orders.get(req.clientOrderId);
    if (existing) return existing;
    const side = LEG_OF[req.side];
    const price = req.limitPrice;
    if (!side || price === undefined || this.#outcomes.has(req.instrument)) throw new Error(`binary venue: cannot fill ${req.side} ${req.instrument}`);
    const id = `b${this.#orders.size + 1}`;
    const order: VenueOrder = {
      clientOrderId: req.clientOrderId, venueOrderId: id, instrument: req.instrument, side: req.side, type: req.type, quantity: req.quantity,
      filledQuantity: req.quantity, limitPrice: price, status: 'filled', updatedAt: this.now(),
    };
    this.#orders.set(req.clientOrderId, order);
    const key = `${req.instrument}|${side.leg}`;
    this.#held.set(key, (this.#held.get(key) ?? 0) + side.sign * req.quantity);
    this.#cash -= side.sign * req.quantity * price;
    this.#fills.push({
      venueFillId: `bf${this.#fills.length + 1}`, venueOrderId: id, clientOrderId: req.clientOrderId, instrument: req.instrument, side: req.side,
      quantity: req.quantity, price, feeUsd: 0, liquidity: 'taker', ts: this.now(),
    });
    return order;
  }

  /** The market resolves: every contract of the winning leg pays 1.00, the other leg expires worthless. */
  resolve(instrument: string, outcome: Leg): void {
    this.#outcomes.set(instrument, outcome);
    for (const leg of ['yes', 'no'] as const) {
      const key = `${instrument}|${leg}`;
      this.#cash += (this.#held.get(key) ?? 0) * (leg === outcome ? 1 : 0);
      this.#held.delete(key);
    }
  }

  async settlement(instrument: string): Promise<'yes' | 'no' | null> {
    if (this.failSettlement) {
      this.failSettlement = false;
      throw new Error('binary venue: settlement service unavailable');
    }
    return this.#outcomes.get(instrument) ?? null;
  }

  async cancelOrder(clientOrderId: string): Promise<VenueOrder | null> {
    return this.#orders.get(clientOrderId) ?? null;
  }

  async getOrder(clientOrderId: string): Promise<VenueOrder | null> {
    return this.#orders.get(clientOrderId) ?? null;
  }

  async listOrders(): Promise<Page<VenueOrder>> {
    return { items: [], cursor: null };
  }

  async listFills(query: { cursor?: string | null; limit?: number }): Promise<Page<VenueFill>> {
    const from = query.cursor ? Number(query.cursor) : 0;
    const end = Math.min(this.#fills.length, from + (query.limit ?? 100));
    return { items: this.#fills.slice(from, end), cursor: end < this.#fills.length ? String(end) : null, resumeCursor: String(end) };
  }

  async positions(): Promise<readonly VenuePosition[]> {
    return [...this.#held].filter(([, q]) => q !== 0).map(([k, quantity]) => {
      const [instrument, leg] = k.split('|') as [string, Leg];
      return { instrument, leg, quantity };
    });
  }

  async balance(): Promise<{ readonly cashUsd: number }> {
    return { cashUsd: this.#cash };
  }
}
