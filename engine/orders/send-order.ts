// Sends one persisted pending_submit order and records what came back: an ack with its fills, a refusal, or an unknown outcome.
import { messageOf, TradegateError } from '../errors.ts';
import type { OrderRecord } from '../ledger/order-repository.ts';
import type { Sleep } from '../market/sleep.ts';
import type { Venue, VenueOrder, VenueOrderRequest } from '../plugins/plugin-api.ts';
import type { FillSync, PulledFills } from './fill-sync.ts';
import { adoptVenueOrder, type MoveContext, moveOrder } from './order-moves.ts';
import { asError, placeOnce } from './submit.ts';

export interface SendDeps {
  readonly ctx: MoveContext;
  readonly venue: Venue;
  readonly fills: FillSync;
  readonly sleep: Sleep;
  readonly ackTimeoutMs: number;
  /** Runs a job after everything already queued (a late acknowledgement must not interleave with a send). */
  readonly enqueue: (job: () => Promise<unknown>) => void;
}

export interface SendResult {
  readonly status: 'sent' | 'unknown' | 'rejected' | 'failed';
  readonly clientOrderId: string;
  readonly order: OrderRecord;
  readonly error?: Error;
}

export class SendOrder {
  readonly #d: SendDeps;

  constructor(deps: SendDeps) {
    this.#d = deps;
  }

  /**
   * The order must already be persisted as pending_submit. placeOrder is called once; whatever
   * happens, the order leaves pending_submit: acknowledged, refused, or unknown (never resent
   * blindly: a retry under a new id would be a second order, under the same id the venue decides).
   */
  async send(order: OrderRecord, request: VenueOrderRequest): Promise<SendResult> {
    const { ctx, venue, ackTimeoutMs } = this.#d;
    const cid = order.clientOrderId;
    // Nothing reaches the venue ahead of the books: whatever is still deferred commits first.
    ctx.ledger.flush();
    const outcome = await placeOnce(venue, request, ackTimeoutMs, this.#d.sleep);
    if (outcome.kind === 'ack') return this.acked(cid, outcome.order);
    const current = ctx.ledger.orders.require(cid);
    if (outcome.kind === 'timeout') {
      const error = new TradegateError('ORDER_ACK_TIMEOUT', `venue ${venue.name} did not confirm ${cid} within ${ackTimeoutMs} ms`, { clientOrderId: cid });
      const moved = moveOrder(ctx, current, { to: 'unknown', event: 'ack_timeout', source: 'engine', reason: error.message });
      void outcome.late.then((vo) => {
        if (vo) this.#d.enqueue(() => this.#late(cid, vo));
      });
      return { status: 'unknown', clientOrderId: cid, order: moved, error };
    }
    const { error, errorKind } = outcome;
    const reason = error instanceof TradegateError ? `${error.code}: ${error.message}` : error.message;
    if (errorKind === 'retry') {
      // A timeout, a 429 or a 5xx: the venue may have taken the order. Reconciliation finds out.
      const moved = moveOrder(ctx, current, { to: 'unknown', event: 'submit_error', source: 'venue', reason });
      return { status: 'unknown', clientOrderId: cid, order: moved, error };
    }
    if (errorKind === 'deny') {
      const moved = moveOrder(ctx, current, { to: 'rejected', event: 'venue_reject', source: 'venue', reason });
      return { status: 'rejected', clientOrderId: cid, order: moved, error };
    }
    const moved = moveOrder(ctx, current, { to: 'failed', event: 'submit_failed', source: 'engine', reason });
    if (errorKind === 'halt') ctx.ledger.breaker.trip(`submit of ${cid} failed: ${reason}`, 'orders');
    return { status: 'failed', clientOrderId: cid, order: moved, error };
  }

  /**
   * Records an acknowledgement. Fills it reports are pulled first and booked in the same
   * unit as the acknowledgement, so the order, its fills, the position and cash land together. An acknowledgement without a venue order id fails loudly: the breaker trips.
   */
  async acked(cid: string, vo: VenueOrder): Promise<SendResult> {
    const { venue, fills } = this.#d;
    // A plugin's answer is checked, not trusted: an absent id (or no order at all) is no id.
    if (typeof vo?.venueOrderId !== 'string' || vo.venueOrderId === '') return this.#noVenueId(cid, vo);
    let pulled: PulledFills | null = null;
    let pullError: Error | undefined;
    if (vo.filledQuantity > 0) {
      try {
        pulled = await fills.pull();
      } catch (error) {
        // Unreadable fills leave the order unknown (fills missing): reconciliation books them; the instrument waits.
        pullError = asError(error);
      }
    }
    const order = this.#record(cid, vo, pulled);
    if (pulled) fills.advance(pulled);
    const status = order.state === 'rejected' ? 'rejected' : order.state === 'unknown' ? 'unknown' : 'sent';
    const error = status === 'rejected' && vo.rejectReason ? new Error(`${venue.name}: ${vo.rejectReason}`) : status === 'unknown' ? pullError : undefined;
    return { status, clientOrderId: cid, order, ...(error ? { error } : {}) };
  }

  /**
   * Deferred: what the venue reported commits with the next order's pending_submit (one disk sync a
   * order, not two) or at the end of this turn; a crash before that is recovered from the venue.
   */
  #record(cid: string, vo: VenueOrder, pulled: PulledFills | null): OrderRecord {
    const { ctx, fills } = this.#d;
    try {
      return ctx.ledger.deferred(() => {
        const booked = pulled ? fills.apply(pulled.items, 'venue').orders.get(cid) : undefined;
        return adoptVenueOrder(ctx, booked ?? ctx.ledger.orders.require(cid), vo, 'venue', 'venue_ack').order;
      });
    } catch (error) {
      this.#unrecorded(cid, error);
      throw error;
    }
  }

  /** The venue holds the order but its answer could not be booked (a bad fill, say): unknown with the reason, not pending_submit with none. */
  #unrecorded(cid: string, error: unknown): void {
    const { ctx } = this.#d;
    // After a failed commit nothing more is written: the books on disk already lost what the process acted on.
    if (ctx.ledger.commitFailure !== null) return;
    try {
      const current = ctx.ledger.orders.require(cid);
      if (current.state === 'pending_submit') moveOrder(ctx, current, { to: 'unknown', event: 'ack_not_recorded', source: 'engine', reason: messageOf(error) });
    } catch {
      // The error thrown on says what went wrong; the unconfirmed sweep still moves the order on.
    }
  }

  #noVenueId(cid: string, vo: VenueOrder | undefined): SendResult {
    const { ctx, venue } = this.#d;
    const error = new TradegateError('ORDER_NO_VENUE_ORDER_ID', `venue ${venue.name} answered order ${cid} (status ${vo?.status}) without a venue order id`, {
      clientOrderId: cid, venueStatus: vo?.status ?? null,
    });
    ctx.ledger.breaker.trip(`ORDER_NO_VENUE_ORDER_ID: ${error.message}`, 'orders');
    const current = ctx.ledger.orders.require(cid);
    // Refused is final; anything else may be live at the venue, so it stays unknown until reconciled by client order id.
    const to = vo?.status === 'rejected' ? 'rejected' : 'unknown';
    const moved = moveOrder(ctx, current, { to, event: 'ack_without_venue_order_id', source: 'venue', reason: 'no_venue_order_id', payload: vo });
    return { status: 'failed', clientOrderId: cid, order: moved, error };
  }

  /** A confirmation that arrived after the timeout made the order unknown: adopt it, unless reconciliation already did. */
  async #late(cid: string, vo: VenueOrder): Promise<void> {
    const order = this.#d.ctx.ledger.orders.get(cid);
    if (order?.state !== 'unknown') return;
    await this.acked(cid, vo);
  }
}
