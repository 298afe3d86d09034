// The one venue call that sends an order: bounded by a confirmation timeout, every failure classified by what it means for the order.
import { type ErrorKind, messageOf, TradegateError } from '../errors.ts';
import type { Sleep } from '../market/sleep.ts';
import type { Venue, VenueOrder, VenueOrderRequest } from '../plugins/plugin-api.ts';

export const DEFAULT_ACK_TIMEOUT_MS = 5_000;

const ANSWERED = Symbol('answered');

export type SubmitOutcome =
  /** The venue answered with the order. */
  | { readonly kind: 'ack'; readonly order: VenueOrder }
  /** No answer in time. The call may still complete: `late` settles when it does (never rejects). */
  | { readonly kind: 'timeout'; readonly late: Promise<VenueOrder | null> }
  /**
   * The call failed. `retry`: the outcome is unknown (timeout, 429, 5xx after the venue may have
   * accepted it); `deny`: the venue refused it; `halt` / `config`: the request could not be made.
   */
  | { readonly kind: 'error'; readonly errorKind: ErrorKind; readonly error: Error };

/** What a thrown value means for the order. Anything that is not one of ours is a transport fault: outcome unknown. */
export function errorKindOf(error: unknown): ErrorKind {
  return error instanceof TradegateError ? error.kind : 'retry';
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(messageOf(error));
}

/**
 * Calls placeOrder exactly once and waits at most `timeoutMs` (by the injected sleep) for the
 * answer. Never retries: a second call under the same client order id is the caller's decision,
 * and under a new id it would be a second order.
 */
export async function placeOnce(venue: Venue, request: VenueOrderRequest, timeoutMs: number, sleep: Sleep): Promise<SubmitOutcome> {
  // A plugin's placeOrder that throws before returning a promise (or returns no promise) must not escape: the order would stay pending_submit.
  const call = new Promise<VenueOrder>((resolve) => resolve(venue.placeOrder(request))).then(
    (order): SubmitOutcome => ({ kind: 'ack', order }),
    (error: unknown): SubmitOutcome => ({ kind: 'error', errorKind: errorKindOf(error), error: asError(error) }),
  );
  const stop = new AbortController();
  const timer = sleep(timeoutMs, stop.signal).then((): 'timeout' => 'timeout');
  const first = await Promise.race([call, timer]);
  // A reason of our own: abort() without one builds a DOMException, measurable at thousands of orders a second.
  stop.abort(ANSWERED);
  if (first !== 'timeout') return first;
  const late = call.then((o) => (o.kind === 'ack' ? o.order : null));
  return { kind: 'timeout', late };
}
