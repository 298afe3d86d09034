// Orders left pending_submit past the confirmation timeout become unknown: they may be live at the venue, so they block their instrument.
import type { OrderRecord } from '../ledger/order-repository.ts';
import { type MoveContext, moveOrder } from './order-moves.ts';

/**
 * Moves every pending_submit order older than `timeoutMs` (by the injected clock) to unknown. The
 * order manager sends one order at a time and never sweeps while a send is in flight, so a pending
 * order this old is one whose sender died or lost its answer.
 */
export function markUnconfirmed(ctx: MoveContext, timeoutMs: number): OrderRecord[] {
  const now = ctx.clock.now();
  const stale = ctx.ledger.orders.inStates(['pending_submit']).filter((o) => now - o.createdAtMs >= timeoutMs);
  return stale.map((o) =>
    moveOrder(ctx, o, { to: 'unknown', event: 'ack_timeout', source: 'engine', reason: `no confirmation within ${timeoutMs} ms` }),
  );
}
