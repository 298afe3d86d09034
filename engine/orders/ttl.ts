// Cancels resting orders whose time to live has run out, and books whatever filled before the cancel went through.
import { messageOf } from '../errors.ts';
import type { OrderRecord } from '../ledger/order-repository.ts';
import type { Venue, VenueOrder } from '../plugins/plugin-api.ts';
import type { FillSync } from './fill-sync.ts';
import { adoptVenueOrder, type MoveContext, moveOrder } from './order-moves.ts';
import { errorKindOf } from './submit.ts';

export interface TtlReport {
  readonly canceled: readonly string[];
  /** Cancels the venue did not confirm yet (retried on the next sweep). */
  readonly pending: readonly string[];
}

/** A resting order's TTL runs from its acknowledgement (from its creation when never acknowledged). */
export function ttlExpired(order: OrderRecord, nowMs: number): boolean {
  if (order.ttlMs === null) return false;
  return (order.submittedAtMs ?? order.createdAtMs) + order.ttlMs <= nowMs;
}

/**
 * One sweep: every live order past its TTL gets a cancel. The venue's answer decides the state
 * (canceled, or filled when the fill won the race); an order the venue no longer knows becomes
 * unknown for reconciliation; a failed cancel call is noted and tried again next sweep.
 */
export async function cancelExpired(ctx: MoveContext, venue: Venue, fills: FillSync): Promise<TtlReport> {
  const now = ctx.clock.now();
  const due = ctx.ledger.orders.inStates(['submitted', 'partially_filled']).filter((o) => ttlExpired(o, now));
  const canceled: string[] = [];
  const pending: string[] = [];
  for (const order of due) {
    const cid = order.clientOrderId;
    let answer: VenueOrder | null;
    try {
      answer = await venue.cancelOrder(cid);
    } catch (error) {
      ctx.ledger.orders.note(cid, { event: 'ttl_cancel_failed', source: 'engine', reason: messageOf(error), payload: { errorKind: errorKindOf(error) } });
      pending.push(cid);
      continue;
    }
    const current = ctx.ledger.orders.require(cid);
    if (answer === null) {
      moveOrder(ctx, current, { to: 'unknown', event: 'status_timeout', source: 'venue', reason: 'not_found_on_ttl_cancel' });
      pending.push(cid);
      continue;
    }
    let adopted = adoptVenueOrder(ctx, current, answer, 'venue', 'ttl_cancel');
    if (adopted.fillsMissing) {
      await fills.sync('venue');
      adopted = adoptVenueOrder(ctx, ctx.ledger.orders.require(cid), answer, 'venue', 'ttl_cancel');
    }
    (adopted.order.state === 'canceled' || adopted.order.state === 'expired' ? canceled : pending).push(cid);
  }
  return { canceled, pending };
}
