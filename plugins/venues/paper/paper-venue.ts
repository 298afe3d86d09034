// The paper venue: the Venue contract over a simulated book that journals every change and fills only on market events.
import { join } from 'node:path';
import {
  type InstrumentInfo,
  type MarketEvent,
  type Page,
  type PluginContext,
  TradegateError,
  type Venue,
  type VenueFill,
  type VenueFundingPayment,
  type VenueOrder,
  type VenueOrderRequest,
  type VenuePosition,
  type VenueStats,
} from '../../../engine/plugins/plugin-api.ts';
import { balanceRefusal, expectedPrice } from './account.ts';
import { type BookState, emptyState, type FillRecord, type FundingRecord, type OrderRecord } from './book-state.ts';
import { drawLatencyMs } from './latency.ts';
import { expireDue, stepMarket } from './market-step.ts';
import { OpenOrders } from './open-orders.ts';
import { listingRefusal, unreadable } from './order-checks.ts';
import { decodeCursor, pageSize, paginate, paginateSubset } from './pagination.ts';
import { type PaperConfigFile, type PaperSettings, settingsProblems, toSettings } from './paper-config.ts';
import { readState, STATE_EVENTS } from './state-file.ts';
import { BookJournal, decodeStateFile, type SavedBook, savedBookDefect } from './state-journal.ts';
import { microsToUsd, usdToMicros } from './units.ts';

export const STATE_FILE = 'paper-venue.json';

export const VENUE_EVENTS = {
  rejected: 'paper.order_rejected',
  duplicate: 'paper.duplicate_client_order_id',
  fill: 'paper.fill',
  funding: 'paper.funding',
  closed: 'paper.order_closed',
} as const;

function orderView(o: OrderRecord): VenueOrder {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    instrument: o.instrument,
    side: o.side,
    type: o.type,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    ...(o.limitPrice !== null ? { limitPrice: o.limitPrice } : {}),
    status: o.status,
    ...(o.rejectReason !== null ? { rejectReason: o.rejectReason } : {}),
    updatedAt: o.updatedAt,
  };
}

function fillView({ seq: _seq, ...fill }: FillRecord): VenueFill {
  return fill;
}

function fundingView({ seq: _seq, ...payment }: FundingRecord): VenueFundingPayment {
  return payment;
}

export class PaperVenue implements Venue {
  readonly name = 'paper';
  readonly #ctx: PluginContext<PaperConfigFile>;
  readonly #settings: PaperSettings;
  readonly #journal: BookJournal;
  readonly #book: BookState;
  readonly #byClientId = new Map<string, OrderRecord>();
  /** Derived from the book (rebuilt here, after the journal replay) and kept current wherever an order is placed or closes. */
  readonly #open: OpenOrders;

  private constructor(ctx: PluginContext<PaperConfigFile>, settings: PaperSettings, journal: BookJournal, book: BookState) {
    this.#ctx = ctx;
    this.#settings = settings;
    this.#journal = journal;
    this.#book = book;
    for (const o of book.orders) this.#byClientId.set(o.clientOrderId, o);
    this.#open = OpenOrders.of(book.orders);
  }

  /** Continues the book saved in ctx.stateDir, or starts a fresh one (also when the saved one is corrupt). */
  static open(ctx: PluginContext<PaperConfigFile>): PaperVenue {
    const problems = settingsProblems(ctx.config);
    if (problems.length > 0) throw new Error(`paper venue config: ${problems.join('; ')}`);
    const settings = toSettings(ctx.config);
    const path = join(ctx.stateDir, STATE_FILE);
    const read = readState<SavedBook>(path, savedBookDefect, ctx.logger, ctx.now(), decodeStateFile);
    if (read.kind === 'loaded') {
      const saved = read.state;
      const b = saved.book;
      const journal = BookJournal.resume(path, saved, settings, ctx.logger);
      ctx.logger.info(
        { event: STATE_EVENTS.loaded, file: path, orders: b.orders.length, fills: b.fills.length, cash_usd: microsToUsd(b.cashMicros), journal_lines: saved.lines, change: saved.seq },
        'paper venue continues its saved book',
      );
      return new PaperVenue(ctx, settings, journal, b);
    }
    const bookId = `${ctx.now().toString(36)}-${Math.floor(ctx.random() * 36 ** 6).toString(36)}`;
    const book = emptyState(bookId, usdToMicros(settings.startingCashUsd));
    ctx.logger.info({ event: STATE_EVENTS.fresh, file: path, book_id: bookId, cash_usd: settings.startingCashUsd }, 'paper venue starts a fresh book');
    return new PaperVenue(ctx, settings, BookJournal.start(path, book, settings, ctx.logger), book);
  }

  async connect(): Promise<void> {}

  /** Folds the journal into one snapshot: a closed venue leaves its whole book in one plain JSON file. */
  async close(): Promise<void> {
    this.#journal.close();
  }

  async instruments(): Promise<readonly InstrumentInfo[]> {
    return [...this.#settings.instruments.values()].map(({ instrument, minQuantity, quantityStep, priceTick }) => ({ instrument, minQuantity, quantityStep, priceTick }));
  }

  async placeOrder(req: VenueOrderRequest): Promise<VenueOrder> {
    const book = this.#book;
    book.ordersReceived++;
    this.#expire(this.#ctx.now());
    const existing = this.#byClientId.get(req.clientOrderId);
    if (existing) {
      this.#save();
      this.#ctx.logger.warn({ event: VENUE_EVENTS.duplicate, client_order_id: req.clientOrderId, status: existing.status }, 'duplicate client order id: the existing order is returned');
      return orderView(existing);
    }
    const garbled = unreadable(req);
    if (garbled) {
      this.#save();
      throw this.#rejection(req, garbled);
    }
    const order = this.#record(req, this.#refusal(req));
    this.#save();
    if (order.status === 'rejected') throw this.#rejection(req, order.rejectReason ?? 'refused');
    return orderView(order);
  }

  async cancelOrder(clientOrderId: string): Promise<VenueOrder | null> {
    this.#expire(this.#ctx.now());
    const order = this.#byClientId.get(clientOrderId);
    if (!order) return null;
    if (order.status === 'open' || order.status === 'partially_filled') {
      order.status = 'canceled';
      order.updatedAt = this.#ctx.now();
      this.#open.update(order);
      this.#save();
    }
    return orderView(order);
  }

  async getOrder(clientOrderId: string): Promise<VenueOrder | null> {
    this.#expire(this.#ctx.now());
    const order = this.#byClientId.get(clientOrderId);
    return order ? orderView(order) : null;
  }

  async listOrders(query: { openOnly: boolean; cursor?: string | null; limit?: number }): Promise<Page<VenueOrder>> {
    this.#expire(this.#ctx.now());
    const after = decodeCursor('orders', query.cursor);
    const orders = this.#book.orders;
    if (query.openOnly) return paginateSubset('orders', this.#open, orders.length, after, pageSize(query.limit), orderView);
    return paginate('orders', orders, after, pageSize(query.limit), () => true, orderView);
  }

  async listFills(query: { sinceMs?: number; cursor?: string | null; limit?: number }): Promise<Page<VenueFill>> {
    const after = decodeCursor('fills', query.cursor);
    const since = query.sinceMs ?? Number.NEGATIVE_INFINITY;
    return paginate('fills', this.#book.fills, after, pageSize(query.limit), (f) => f.ts >= since, fillView);
  }

  async fundingPayments(query: { sinceMs?: number; cursor?: string | null; limit?: number }): Promise<Page<VenueFundingPayment>> {
    const after = decodeCursor('funding', query.cursor);
    const since = query.sinceMs ?? Number.NEGATIVE_INFINITY;
    return paginate('funding', this.#book.funding, after, pageSize(query.limit), (f) => f.ts >= since, fundingView);
  }

  async positions(): Promise<readonly VenuePosition[]> {
    return Object.entries(this.#book.positions).map(([instrument, quantity]) => ({ instrument, quantity }));
  }

  async balance(): Promise<{ readonly cashUsd: number }> {
    return { cashUsd: microsToUsd(this.#book.cashMicros) };
  }

  async stats(): Promise<VenueStats> {
    return { ordersReceived: this.#book.ordersReceived, distinctClientOrderIds: this.#book.orders.length, fills: this.#book.fills.length };
  }

  onMarketEvent(event: MarketEvent): void {
    const step = stepMarket(this.#book, this.#open, event, this.#settings);
    if (!step.changed) return;
    this.#save();
    const log = this.#ctx.logger;
    for (const f of step.fills) log.debug({ event: VENUE_EVENTS.fill, client_order_id: f.clientOrderId, quantity: f.quantity, price: f.price, fee_usd: f.feeUsd, liquidity: f.liquidity }, 'paper fill');
    for (const p of step.funding) log.info({ event: VENUE_EVENTS.funding, instrument: p.instrument, amount_usd: p.amountUsd, rate: p.rate, mark: p.markPrice }, 'paper funding');
    for (const o of step.closed) if (o.status !== 'filled') log.info({ event: VENUE_EVENTS.closed, client_order_id: o.clientOrderId, status: o.status, reason: o.rejectReason }, 'paper order closed unfilled');
  }

  /** Why an order that could be read is refused: listing rules, no price to judge it by, or the account. */
  #refusal(req: VenueOrderRequest): string | null {
    const spec = this.#settings.instruments.get(req.instrument);
    const listing = listingRefusal(req, spec);
    if (listing || !spec) return listing ?? `unknown instrument '${req.instrument}'`;
    const side = req.side as 'buy' | 'sell';
    const price = expectedPrice(this.#book, this.#settings, spec, { side, type: req.type, limitPrice: req.limitPrice ?? null, quantity: req.quantity });
    if (price === null) return `no quote for ${req.instrument} yet: a market order has no price to be checked against`;
    return balanceRefusal(this.#book, this.#open, this.#settings, spec, { side, quantity: req.quantity, reduceOnly: req.reduceOnly, price });
  }

  #record(req: VenueOrderRequest, refusal: string | null): OrderRecord {
    const book = this.#book;
    const now = this.#ctx.now();
    const seq = book.orders.length + 1;
    const latency = refusal === null ? drawLatencyMs(this.#settings.latency, this.#ctx.random) : 0;
    const order: OrderRecord = {
      seq,
      clientOrderId: req.clientOrderId,
      venueOrderId: `${book.bookId}-o${seq}`,
      instrument: req.instrument,
      side: req.side as 'buy' | 'sell',
      type: req.type,
      quantity: req.quantity,
      filledQuantity: 0,
      limitPrice: req.type === 'limit' && typeof req.limitPrice === 'number' && Number.isFinite(req.limitPrice) ? req.limitPrice : null,
      reduceOnly: req.reduceOnly === true,
      status: refusal === null ? 'open' : 'rejected',
      rejectReason: refusal,
      placedAt: now,
      arrivalTs: now + latency,
      expiresAt: typeof req.ttlMs === 'number' && Number.isFinite(req.ttlMs) ? now + req.ttlMs : null,
      arrived: false,
      resting: false,
      updatedAt: now,
    };
    book.orders.push(order);
    this.#byClientId.set(order.clientOrderId, order);
    this.#open.add(order);
    return order;
  }

  #rejection(req: VenueOrderRequest, reason: string): TradegateError {
    this.#ctx.logger.info({ event: VENUE_EVENTS.rejected, client_order_id: req.clientOrderId, instrument: req.instrument, reason }, 'paper venue refused an order');
    return new TradegateError('VENUE_ORDER_REJECTED', `paper venue refused order ${String(req.clientOrderId)}: ${reason}`, { clientOrderId: req.clientOrderId, reason });
  }

  /** TTLs end by the clock too, not only on market events, so reads never show an order past its life as open. */
  #expire(now: number): void {
    if (expireDue(this.#open, now).length > 0) this.#save();
  }

  #save(): void {
    this.#journal.record();
  }
}
