// A bad network in front of a real venue: timeouts, 429s, 5xx after the venue accepted, late visibility, missing ids.
import type { Clock } from '../../engine/clock.ts';
import { TradegateError } from '../../engine/errors.ts';
import type {
  InstrumentInfo,
  MarketEvent,
  Page,
  Venue,
  VenueFill,
  VenueOrder,
  VenueOrderRequest,
  VenuePosition,
  VenueStats,
} from '../../engine/plugins/plugin-api.ts';

/**
 * What goes wrong with the next placeOrder call.
 * - timeout_before: the request never reaches the venue, the client times out.
 * - rate_limited: the venue answers 429 without taking the order.
 * - timeout_after / unavailable_after: the venue takes the order, the answer is lost (timeout, 5xx).
 * - hang_after: the venue takes the order, the answer never comes (the caller's own timeout must fire).
 * - late_after: the venue takes the order, the answer comes only when release() is called.
 * - no_order_id: the venue takes the order and answers without a venue order id.
 * - hidden_after: the venue takes the order, answers, but lookups do not show it for `ms` (eventual consistency).
 */
export type PlaceFault =
  | { readonly kind: 'timeout_before' }
  | { readonly kind: 'rate_limited' }
  | { readonly kind: 'timeout_after' }
  | { readonly kind: 'unavailable_after' }
  | { readonly kind: 'hang_after' }
  | { readonly kind: 'late_after' }
  | { readonly kind: 'no_order_id' }
  | { readonly kind: 'hidden_after'; readonly ms: number; readonly answer: 'ok' | 'unavailable' };

export class FaultyVenue implements Venue {
  readonly name: string;
  readonly #inner: Venue;
  readonly #clock: Clock;
  readonly #faults: PlaceFault[] = [];
  /** Client order id -> time from which lookups show it. */
  readonly #hiddenUntil = new Map<string, number>();
  readonly #late: (() => void)[] = [];
  /** placeOrder calls the engine made (reaching the venue or not). */
  placeCalls = 0;
  /** Lookup calls that hid an order. */
  hiddenLookups = 0;
  /** Drops ttlMs from requests, like a venue without good-till-time orders: only the engine's TTL cancel ends them. */
  ignoreTtl = false;
  /** Passed through when the inner venue lists funding (perpetuals), absent otherwise, as on the venue itself. */
  readonly fundingPayments?: Venue['fundingPayments'];

  constructor(inner: Venue, clock: Clock) {
    this.#inner = inner;
    this.#clock = clock;
    this.name = inner.name;
    if (inner.fundingPayments) this.fundingPayments = (query) => inner.fundingPayments!(query);
  }

  /** Queues faults for the next placeOrder calls, in order; calls with no fault queued pass through. */
  failNext(...faults: PlaceFault[]): void {
    this.#faults.push(...faults);
  }

  /** Delivers every answer held back by late_after. */
  release(): void {
    for (const deliver of this.#late.splice(0)) deliver();
  }

  connect(): Promise<void> {
    return this.#inner.connect();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  instruments(): Promise<readonly InstrumentInfo[]> {
    return this.#inner.instruments();
  }

  async placeOrder(request: VenueOrderRequest): Promise<VenueOrder> {
    this.placeCalls += 1;
    const { ttlMs: _ttl, ...withoutTtl } = request;
    const req = this.ignoreTtl ? withoutTtl : request;
    const fault = this.#faults.shift();
    if (!fault) return this.#inner.placeOrder(req);
    const cid = req.clientOrderId;
    switch (fault.kind) {
      case 'timeout_before':
        throw new TradegateError('VENUE_TIMEOUT', `no answer for ${cid} (request lost on the way)`, { clientOrderId: cid });
      case 'rate_limited':
        throw new TradegateError('VENUE_RATE_LIMITED', `429 Too Many Requests for ${cid}`, { status: 429 });
    }
    const accepted = await this.#inner.placeOrder(req);
    switch (fault.kind) {
      case 'timeout_after':
        throw new TradegateError('VENUE_TIMEOUT', `no answer for ${cid} (the venue took it)`, { clientOrderId: cid });
      case 'unavailable_after':
        throw new TradegateError('VENUE_UNAVAILABLE', `503 Service Unavailable for ${cid} (the venue took it)`, { status: 503 });
      case 'hang_after':
        return new Promise<VenueOrder>(() => {});
      case 'late_after':
        return new Promise<VenueOrder>((resolve) => this.#late.push(() => resolve(accepted)));
      case 'no_order_id':
        return { ...accepted, venueOrderId: null };
      case 'hidden_after':
        this.#hiddenUntil.set(cid, this.#clock.now() + fault.ms);
        if (fault.answer === 'unavailable') throw new TradegateError('VENUE_UNAVAILABLE', `502 Bad Gateway for ${cid}`, { status: 502 });
        return accepted;
    }
  }

  cancelOrder(clientOrderId: string): Promise<VenueOrder | null> {
    return this.#inner.cancelOrder(clientOrderId);
  }

  async getOrder(clientOrderId: string): Promise<VenueOrder | null> {
    if (this.#hidden(clientOrderId)) return null;
    return this.#inner.getOrder(clientOrderId);
  }

  async listOrders(query: { openOnly: boolean; cursor?: string | null; limit?: number }): Promise<Page<VenueOrder>> {
    const page = await this.#inner.listOrders(query);
    return { ...page, items: page.items.filter((o) => !this.#hidden(o.clientOrderId)) };
  }

  listFills(query: { sinceMs?: number; cursor?: string | null; limit?: number }): Promise<Page<VenueFill>> {
    return this.#inner.listFills(query);
  }

  positions(): Promise<readonly VenuePosition[]> {
    return this.#inner.positions();
  }

  balance(): Promise<{ readonly cashUsd: number }> {
    return this.#inner.balance();
  }

  onMarketEvent(event: MarketEvent): void {
    this.#inner.onMarketEvent?.(event);
  }

  stats(): Promise<VenueStats> {
    if (!this.#inner.stats) throw new Error(`venue ${this.name} keeps no stats`);
    return this.#inner.stats();
  }

  #hidden(clientOrderId: string): boolean {
    const until = this.#hiddenUntil.get(clientOrderId);
    if (until === undefined || this.#clock.now() >= until) return false;
    this.hiddenLookups += 1;
    return true;
  }
}
