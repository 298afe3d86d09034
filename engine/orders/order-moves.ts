// Every order state change goes through here: checked against the transition table, logged as an event, joined with its fill.
import type { Clock } from '../clock.ts';
import type { EventSource, OrderRecord } from '../ledger/order-repository.ts';
import { qtyToE8 } from '../ledger/money.ts';
import type { VenueFill, VenueOrder } from '../plugins/plugin-api.ts';
import type { OrderState } from '../types.ts';
import type { ActivityTracker } from './activity.ts';
import { isTerminal, nextStates, transition } from './order-state.ts';
import type { OrderLedger } from './order-ports.ts';

export interface MoveContext {
  readonly ledger: OrderLedger;
  readonly venue: string;
  readonly clock: Clock;
  readonly activity?: ActivityTracker;
}

export interface Move {
  readonly to: OrderState;
  readonly event: string;
  readonly source: EventSource;
  readonly reason?: string;
  readonly payload?: unknown;
  readonly venueOrderId?: string | null;
}

/**
 * The shortest way through the transition table from one state to another (a venue may report an
 * order expired that we never saw acknowledged: pending_submit -> submitted -> expired). Null when
 * the table has none.
 */
export function pathTo(from: OrderState, to: OrderState): OrderState[] | null {
  const seen = new Set<OrderState>([from]);
  let frontier: OrderState[][] = [[from]];
  while (frontier.length > 0) {
    const next: OrderState[][] = [];
    for (const path of frontier) {
      for (const s of nextStates(path[path.length - 1]!)) {
        if (s === to) return [...path.slice(1), s];
        if (!seen.has(s)) {
          seen.add(s);
          next.push([...path, s]);
        }
      }
    }
    frontier = next;
  }
  return null;
}

/**
 * Moves an order to `move.to`, one table edge at a time, in one transaction. Staying in the same
 * state is a no-op, except a further fill of a partially filled order, which the table records as
 * its own edge. A change the table does not allow throws ORDER_TRANSITION_INVALID.
 */
export function moveOrder(ctx: MoveContext, order: OrderRecord, move: Move): OrderRecord {
  const selfFill = order.state === move.to && move.to === 'partially_filled' && move.event === 'fill';
  if (order.state === move.to && !selfFill) return order;
  const steps = selfFill ? [move.to] : (pathTo(order.state, move.to) ?? [transition(order.state, move.to).to]);
  return ctx.ledger.joinTransaction(() => {
    let current = order;
    for (const to of steps) {
      const from = current.state;
      transition(from, to);
      current = ctx.ledger.orders.changeState({
        clientOrderId: current.clientOrderId,
        from: current.state,
        to,
        event: move.event,
        source: move.source,
        ...(move.reason !== undefined ? { reason: move.reason } : {}),
        ...(move.payload !== undefined ? { payload: move.payload } : {}),
        ...(move.venueOrderId ? { venueOrderId: move.venueOrderId } : {}),
      });
      ctx.activity?.onOrderState(current, from, to, ctx.clock.now());
    }
    return current;
  });
}

/** The quantity an order stands for at the venue: what was sent (after rounding), else what was asked. */
export function orderQuantity(order: OrderRecord): number {
  return order.sentQty ?? order.qty;
}

export function isFullyFilled(order: OrderRecord, filled = order.filledQty): boolean {
  return qtyToE8(filled) >= qtyToE8(orderQuantity(order));
}

export type FillIngest =
  | { readonly status: 'applied'; readonly order: OrderRecord | undefined; readonly realizedPnlUsd: number }
  | { readonly status: 'duplicate'; readonly matches: boolean; readonly order: OrderRecord | undefined };

/**
 * Books one venue fill and moves its order, atomically: the position and cash change exactly when
 * the order's filled quantity does, or neither does. A fill already in the ledger changes nothing.
 * A fill on an order that is already terminal (filled just before a cancel went through) is still
 * booked, since the money moved, and noted on the order.
 */
export function ingestFill(ctx: MoveContext, fill: VenueFill, source: EventSource): FillIngest {
  return ctx.ledger.joinTransaction((): FillIngest => {
    const result = ctx.ledger.applyFill({
      venue: ctx.venue, venueFillId: fill.venueFillId, clientOrderId: fill.clientOrderId, instrument: fill.instrument,
      side: fill.side, qty: fill.quantity, price: fill.price, fee: fill.feeUsd, liquidity: fill.liquidity, tsMs: fill.ts,
    });
    if (result.status === 'duplicate') return { status: 'duplicate', matches: result.matches, order: ctx.ledger.orders.get(fill.clientOrderId) };
    // The order as the fill left it (its filled quantity included), straight from the posting.
    const order = result.order;
    ctx.activity?.onClosingFill(order ? `order:${order.id}` : `fill:${result.fillId}`, result.realizedPnlUsd, fill.ts);
    if (!order) return { status: 'applied', order, realizedPnlUsd: result.realizedPnlUsd };
    const payload = { venueFillId: fill.venueFillId, qty: fill.quantity, price: fill.price, feeUsd: fill.feeUsd };
    if (isTerminal(order.state)) {
      ctx.ledger.orders.note(order.clientOrderId, { event: 'fill_after_terminal', source, payload });
      return { status: 'applied', order, realizedPnlUsd: result.realizedPnlUsd };
    }
    const to: OrderState = isFullyFilled(order) ? 'filled' : 'partially_filled';
    const moved = moveOrder(ctx, order, { to, event: 'fill', source, payload, venueOrderId: fill.venueOrderId });
    return { status: 'applied', order: moved, realizedPnlUsd: result.realizedPnlUsd };
  });
}

export interface Adoption {
  readonly order: OrderRecord;
  /** The venue reports more filled than the ledger holds fills for: fetch fills, then adopt again. */
  readonly fillsMissing: boolean;
}

/**
 * Brings an order's state in line with what the venue reports for it. Fills are the only way
 * filled quantity enters the books, so a venue status that implies fills the ledger lacks leaves the
 * order where it is (or marks a pending one unknown) and says so; the caller fetches fills first.
 */
export function adoptVenueOrder(ctx: MoveContext, order: OrderRecord, vo: VenueOrder, source: EventSource, event: string): Adoption {
  if (isTerminal(order.state)) return { order, fillsMissing: false };
  const fillsMissing = qtyToE8(vo.filledQuantity) > qtyToE8(order.filledQty);
  const base = { event, source, venueOrderId: vo.venueOrderId, payload: { venueStatus: vo.status, venueFilled: vo.filledQuantity } };
  const acked = order.state === 'pending_submit' || order.state === 'unknown';
  if (fillsMissing) {
    const moved = order.state === 'pending_submit' ? moveOrder(ctx, order, { ...base, to: 'unknown', reason: 'fills_missing' }) : order;
    return { order: moved, fillsMissing: true };
  }
  switch (vo.status) {
    case 'open':
    case 'partially_filled':
    case 'filled':
      // Fills already moved an acknowledged order as far as they go; an unacknowledged one learns it is live.
      if (!acked) return { order, fillsMissing: false };
      if (order.filledQty === 0) return { order: moveOrder(ctx, order, { ...base, to: 'submitted' }), fillsMissing: false };
      return { order: moveOrder(ctx, order, { ...base, to: isFullyFilled(order) ? 'filled' : 'partially_filled' }), fillsMissing: false };
    case 'canceled':
    case 'expired':
      return { order: moveOrder(ctx, order, { ...base, to: vo.status }), fillsMissing: false };
    case 'rejected': {
      // The table has no partially_filled -> rejected: an order that traded was live, so it ended canceled.
      const to: OrderState = order.state === 'partially_filled' ? 'canceled' : 'rejected';
      return { order: moveOrder(ctx, order, { ...base, to, reason: vo.rejectReason ?? 'venue_rejected' }), fillsMissing: false };
    }
  }
}
