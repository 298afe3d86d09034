// What makes an order request unreadable (refused unrecorded) or unacceptable (refused and recorded), as a reason.
import type { VenueOrderRequest } from '../../../engine/plugins/plugin-api.ts';
import type { InstrumentSpec } from './paper-config.ts';
import { isMultipleOf } from './units.ts';

const positiveFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * A request the venue cannot even record: no client order id, a side or type it does not trade, a quantity that
 * is not a number. It is counted as received and refused, but there is nothing to store under an id.
 */
export function unreadable(req: VenueOrderRequest): string | null {
  if (typeof req.clientOrderId !== 'string' || req.clientOrderId.trim() === '') return 'the order has no client order id';
  if (req.side !== 'buy' && req.side !== 'sell') return `side '${String(req.side)}': the paper venue trades outright instruments (buy or sell)`;
  if (req.type !== 'market' && req.type !== 'limit') return `order type '${String(req.type)}' is not market or limit`;
  if (!positiveFinite(req.quantity)) return `quantity ${String(req.quantity)} is not a number > 0`;
  if (typeof req.instrument !== 'string') return 'the order names no instrument';
  return null;
}

/** Why a readable request is refused by the venue's listing rules, or null. */
export function listingRefusal(req: VenueOrderRequest, spec: InstrumentSpec | undefined): string | null {
  if (!spec) return `unknown instrument '${req.instrument}'`;
  if (req.quantity < spec.minQuantity) return `quantity ${req.quantity} is below the minimum ${spec.minQuantity}`;
  if (!isMultipleOf(req.quantity, spec.quantityStep)) return `quantity ${req.quantity} is not a multiple of the step ${spec.quantityStep}`;
  if (req.type === 'limit') {
    if (!positiveFinite(req.limitPrice)) return `a limit order needs a limit price > 0, got ${String(req.limitPrice)}`;
    if (!isMultipleOf(req.limitPrice, spec.priceTick)) return `limit price ${req.limitPrice} is not a multiple of the tick ${spec.priceTick}`;
  } else if (req.limitPrice !== undefined) {
    return 'a market order carries no limit price';
  }
  if (req.ttlMs !== undefined && !positiveFinite(req.ttlMs)) return `ttlMs ${String(req.ttlMs)} is not a number of ms > 0`;
  return null;
}
