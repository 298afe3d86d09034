// Winding a session down (at the end, on a signal, on emergency): cancel every open order, wait a bounded time for what is pending.
import type { Clock } from '../clock.ts';
import { messageOf } from '../errors.ts';
import type { OrderRecord } from '../ledger/order-repository.ts';
import type { Sleep } from '../market/sleep.ts';
import type { Venue } from '../plugins/plugin-api.ts';
import type { OrderState } from '../types.ts';
import { LIVE_ORDER_STATES } from './position-tracker.ts';

/** What winding down needs of the order manager: its queue drained, and a reconciliation pass on demand. */
export interface WindDownManager {
  idle(): Promise<void>;
  reconcile(): Promise<unknown>;
}

export interface WindDownDeps {
  readonly orders: { inStates(states: readonly OrderState[]): OrderRecord[] };
  readonly venue: Pick<Venue, 'cancelOrder'>;
  readonly manager: WindDownManager;
  /** Wall time: the bound on the wait is real seconds, whatever the market clock does. */
  readonly wallClock: Clock;
  readonly sleep: Sleep;
}

export interface CancelReport {
  readonly requested: readonly string[];
  readonly failed: readonly { readonly clientOrderId: string; readonly reason: string }[];
}

export interface WindDownReport extends CancelReport {
  /** Orders still live in the ledger when the wait ended (unknown to the venue, or a cancel it never confirmed). */
  readonly stillLive: readonly string[];
  readonly waitedMs: number;
}

/** The default bound on waiting for pending fills and cancels at shutdown. */
export const SHUTDOWN_WAIT_MS = 5_000;
const POLL_MS = 100;

/**
 * Asks the venue to cancel every acknowledged open order, then lets reconciliation book the venue's
 * answers (and any fill that beat the cancel). Pending and unknown orders are resolved by the same
 * reconciliation: they may or may not be at the venue, so they are looked up, never cancelled blind.
 */
export async function cancelOpenOrders(deps: WindDownDeps): Promise<CancelReport> {
  await deps.manager.idle();
  const requested: string[] = [];
  const failed: { clientOrderId: string; reason: string }[] = [];
  for (const order of deps.orders.inStates(['submitted', 'partially_filled'])) {
    requested.push(order.clientOrderId);
    try {
      await deps.venue.cancelOrder(order.clientOrderId);
    } catch (error) {
      failed.push({ clientOrderId: order.clientOrderId, reason: messageOf(error) });
    }
  }
  await deps.manager.reconcile();
  return { requested, failed };
}

/** Cancels, then waits at most `maxWaitMs` of wall time for every order to leave the live states. */
export async function windDown(deps: WindDownDeps, maxWaitMs = SHUTDOWN_WAIT_MS): Promise<WindDownReport> {
  const start = deps.wallClock.now();
  const cancel = await cancelOpenOrders(deps);
  let live = deps.orders.inStates(LIVE_ORDER_STATES);
  while (live.length > 0 && deps.wallClock.now() - start < maxWaitMs) {
    await deps.sleep(POLL_MS);
    // A cancel the venue confirms late, or a fill that raced it, is booked by reconciliation.
    for (const o of live) if (o.state === 'submitted' || o.state === 'partially_filled') await deps.venue.cancelOrder(o.clientOrderId).catch(() => null);
    await deps.manager.reconcile();
    live = deps.orders.inStates(LIVE_ORDER_STATES);
  }
  return { ...cancel, stillLive: live.map((o) => o.clientOrderId), waitedMs: deps.wallClock.now() - start };
}
