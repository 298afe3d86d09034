// Reconciliation: the ledger's orders, fills, positions and cash against the venue's, at startup and on a schedule.
import { messageOf } from '../errors.ts';
import type { OrderRecord } from '../ledger/order-repository.ts';
import type { Venue, VenueOrder } from '../plugins/plugin-api.ts';
import type { OrderState } from '../types.ts';
import type { FillSync, FillSyncReport } from './fill-sync.ts';
import type { FundingSync, FundingSyncReport } from './funding-sync.ts';
import type { SettlementSync, SettlementSyncReport } from './settlement-sync.ts';
import { adoptVenueOrder, type MoveContext, moveOrder } from './order-moves.ts';
import { isTerminal, ORDER_STATES } from './order-state.ts';
import { compareBooks } from './reconcile-books.ts';
import { followCursor } from './resumable-listing.ts';
import { errorKindOf } from './submit.ts';

/**
 * An order the venue does not show is looked up `notFoundAttempts` times (5), waiting at least
 * `notFoundBackoffMs` x 2^(k-1) between look k and k+1 (1, 2, 4, 8 s: about 15 s in all, more when
 * passes run less often), then marked failed with reason not_found. Until then it is unknown and
 * blocks entries on its instrument. Each look is an order event, so the count survives restarts.
 */
export interface ReconcileOptions {
  readonly notFoundAttempts: number;
  readonly notFoundBackoffMs: number;
  /** A pending_submit order younger than this is a send in flight, left alone except at startup. */
  readonly stalePendingMs: number;
  readonly cashToleranceUsd: number;
  readonly pageLimit: number;
  /** A ledger with no cash, fills or orders takes the venue's balance as its opening deposit. */
  readonly adoptOpeningBalance: boolean;
}

export const RECONCILE_DEFAULTS: ReconcileOptions = {
  notFoundAttempts: 5,
  notFoundBackoffMs: 1_000,
  stalePendingMs: 5_000,
  cashToleranceUsd: 0.01,
  pageLimit: 100,
  adoptOpeningBalance: true,
};

export interface OrderChange {
  readonly clientOrderId: string;
  readonly from: OrderState;
  readonly to: OrderState;
}

export interface ReconcileReport {
  readonly startup: boolean;
  readonly fills: FillSyncReport;
  readonly funding: FundingSyncReport;
  readonly settlements: SettlementSyncReport;
  readonly ordersChecked: number;
  readonly changes: readonly OrderChange[];
  readonly notFound: readonly { readonly clientOrderId: string; readonly attempt: number }[];
  readonly foreignOrders: readonly string[];
  readonly mismatches: readonly string[];
  readonly breakerTripped: boolean;
}

const LIVE: readonly OrderState[] = ['pending_submit', 'submitted', 'partially_filled', 'unknown'];
export const NOT_FOUND_EVENT = 'reconcile_not_found';

/** What reconciliation pulls from the venue before it compares the books. */
export interface ReconcilePulls {
  readonly fills: FillSync;
  readonly funding: FundingSync;
  readonly settlements: SettlementSync;
}

export class Reconciler {
  readonly #ctx: MoveContext;
  readonly #venue: Venue;
  readonly #fills: FillSync;
  readonly #funding: FundingSync;
  readonly #settlements: SettlementSync;
  readonly #o: ReconcileOptions;

  /** The pulls are the order manager's own, shared with tick(): one resume position each. */
  constructor(ctx: MoveContext, venue: Venue, pulls: ReconcilePulls, options: Partial<ReconcileOptions> = {}) {
    this.#ctx = ctx;
    this.#venue = venue;
    this.#fills = pulls.fills;
    this.#funding = pulls.funding;
    this.#settlements = pulls.settlements;
    this.#o = { ...RECONCILE_DEFAULTS, ...options };
  }

  get options(): ReconcileOptions {
    return this.#o;
  }

  /** One pass. `startup` re-reads the venue's whole fill history and resolves every pending order, however young. */
  async run(opts: { startup: boolean }): Promise<ReconcileReport> {
    const { ledger } = this.#ctx;
    if (opts.startup) {
      this.#fills.restart();
      this.#funding.restart();
      await this.#adoptOpeningBalance();
    }
    const fills = await this.#fills.sync('reconcile');
    // Before the books are compared: funding and settled binary markets move cash without an order.
    const funding = await this.#funding.sync();
    const settlements = await this.#settlements.sync();
    const open = await this.#openOrders();
    const changes: OrderChange[] = [];
    const notFound: { clientOrderId: string; attempt: number }[] = [];
    const live = ledger.orders.inStates(LIVE).filter((o) => opts.startup || !this.#inFlight(o));
    const waiting: VenueOrder[] = [];
    for (const order of live) {
      const vo = open.get(order.clientOrderId) ?? (await this.#lookUp(order));
      if (vo === 'failed') continue;
      if (vo === null) {
        const attempt = this.#notFound(order);
        if (attempt !== null) notFound.push({ clientOrderId: order.clientOrderId, attempt });
      } else if (this.#adopt(order, vo).fillsMissing) {
        waiting.push(vo);
      }
    }
    // Orders whose venue status is ahead of the fills we hold: pull fills once more, then adopt again.
    if (waiting.length > 0) {
      await this.#fills.sync('reconcile');
      for (const vo of waiting) this.#adopt(ledger.orders.require(vo.clientOrderId), vo);
    }
    for (const o of live) {
      const after = ledger.orders.require(o.clientOrderId);
      if (after.state !== o.state) changes.push({ clientOrderId: o.clientOrderId, from: o.state, to: after.state });
    }
    await this.#cancelClosed(open);
    const foreignOrders = [...open.keys()].filter((cid) => ledger.orders.get(cid) === undefined);
    if (foreignOrders.length > 0) {
      ledger.breaker.trip(`RECONCILE_FOREIGN_ORDER: the venue holds open orders the ledger never sent: ${foreignOrders.join(', ')}`, 'reconcile');
    }
    const mismatches = await this.#checkBooks();
    return {
      startup: opts.startup, fills, funding, settlements, ordersChecked: live.length, changes, notFound, foreignOrders, mismatches,
      breakerTripped: ledger.breaker.isTripped(),
    };
  }

  /**
   * An order the ledger closed (failed as not found, then shown late by the venue) must not go on
   * working: it is canceled at the venue and the cancel is noted. A fill it had is booked by the
   * fill pull, as a fill after terminal.
   */
  async #cancelClosed(open: ReadonlyMap<string, VenueOrder>): Promise<void> {
    const { ledger } = this.#ctx;
    for (const cid of open.keys()) {
      const order = ledger.orders.get(cid);
      if (!order || !isTerminal(order.state)) continue;
      try {
        const answer = await this.#venue.cancelOrder(cid);
        ledger.orders.note(cid, { event: 'canceled_at_venue', source: 'reconcile', reason: `the ledger holds it ${order.state}`, payload: { venueStatus: answer?.status ?? null } });
      } catch (error) {
        ledger.orders.note(cid, { event: 'cancel_at_venue_failed', source: 'reconcile', reason: messageOf(error) });
      }
    }
  }

  #inFlight(o: OrderRecord): boolean {
    return o.state === 'pending_submit' && this.#ctx.clock.now() - o.createdAtMs < this.#o.stalePendingMs;
  }

  async #openOrders(): Promise<Map<string, VenueOrder>> {
    const out = new Map<string, VenueOrder>();
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await this.#venue.listOrders({ openOnly: true, cursor, limit: this.#o.pageLimit });
      for (const o of page.items) out.set(o.clientOrderId, o);
      cursor = followCursor(seen, page.cursor, 'orders');
    } while (cursor !== null);
    return out;
  }

  /** The venue's view of one order; 'failed' when the venue could not be asked (tried again next pass). */
  async #lookUp(order: OrderRecord): Promise<VenueOrder | null | 'failed'> {
    try {
      return await this.#venue.getOrder(order.clientOrderId);
    } catch (error) {
      this.#ctx.ledger.orders.note(order.clientOrderId, {
        event: 'reconcile_lookup_failed', source: 'reconcile', reason: messageOf(error), payload: { errorKind: errorKindOf(error) },
      });
      return 'failed';
    }
  }

  #adopt(order: OrderRecord, vo: VenueOrder): { fillsMissing: boolean } {
    return adoptVenueOrder(this.#ctx, order, vo, 'reconcile', 'reconciled');
  }

  /**
   * One more look found nothing. Returns the attempt number, or null when the back-off says it is
   * too early to count another look.
   */
  #notFound(order: OrderRecord): number | null {
    const { ledger, clock } = this.#ctx;
    const looks = ledger.orders.events(order.clientOrderId).filter((e) => e.event === NOT_FOUND_EVENT);
    const last = looks[looks.length - 1];
    const now = clock.now();
    if (last && now - last.tsMs < this.#o.notFoundBackoffMs * 2 ** (looks.length - 1)) return null;
    const attempt = looks.length + 1;
    const payload = { attempt, of: this.#o.notFoundAttempts };
    if (attempt >= this.#o.notFoundAttempts) {
      moveOrder(this.#ctx, order, { to: 'failed', event: 'reconciled', source: 'reconcile', reason: 'not_found', payload: { ...payload, code: 'RECONCILE_NOT_FOUND' } });
      return attempt;
    }
    ledger.orders.note(order.clientOrderId, { event: NOT_FOUND_EVENT, source: 'reconcile', reason: 'not_found', payload });
    if (order.state !== 'unknown') {
      moveOrder(this.#ctx, order, { to: 'unknown', event: 'not_found', source: 'reconcile', reason: 'not_found', payload });
    }
    return attempt;
  }

  async #adoptOpeningBalance(): Promise<void> {
    const { ledger } = this.#ctx;
    if (!this.#o.adoptOpeningBalance) return;
    if (ledger.cash.list(1).length > 0 || ledger.fills.count() > 0 || ledger.orders.inStates(ORDER_STATES).length > 0) return;
    const { cashUsd } = await this.#venue.balance();
    if (cashUsd > 0) ledger.deposit(cashUsd, `opening-balance:${this.#venue.name}`, 'the venue balance adopted by the first reconciliation');
  }

  /**
   * Positions and cash against the venue. A difference is checked once more after a fresh fill,
   * funding and settlement pull (any may land between our pulls and the venue's reads); if it stays,
   * the breaker trips with every difference named.
   */
  async #checkBooks(): Promise<string[]> {
    let diff = await this.#compare();
    if (diff.length > 0) {
      await this.#fills.sync('reconcile');
      await this.#funding.sync();
      await this.#settlements.sync();
      diff = await this.#compare();
    }
    if (diff.length > 0) this.#ctx.ledger.breaker.trip(`RECONCILE_MISMATCH: ${diff.join('; ')}`, 'reconcile');
    return diff;
  }

  async #compare(): Promise<string[]> {
    const { ledger } = this.#ctx;
    const [positions, balance] = await Promise.all([this.#venue.positions(), this.#venue.balance()]);
    const c = compareBooks({ positions: ledger.openPositions(), cashUsd: ledger.cashUsd() }, { positions, cashUsd: balance.cashUsd }, this.#o.cashToleranceUsd);
    return c.cash === null ? [...c.positions] : [...c.positions, c.cash];
  }
}
