// Fits a signal's quantity and limit price to the instrument's steps, or refuses it, and makes the venue request from the result: the venue must never round for us.
import { TradegateError } from '../errors.ts';
import { directionOfSide } from '../ledger/legs.ts';
import { e8ToQty, qtyToE8 } from '../ledger/money.ts';
import type { InstrumentInfo, Signal, VenueOrderRequest } from '../plugins/plugin-api.ts';

export interface SizedOrder {
  readonly quantity: number;
  readonly limitPrice?: number;
}

/** Quantities are compared in 1e-8 units (the ledger's scale), so 0.1 + 0.2 style float noise never moves a step. */

function invalid(message: string, details: Record<string, unknown>): TradegateError {
  return new TradegateError('ORDER_SIZE_INVALID', message, details);
}

/** Decimal places of a step as written: 0.01 -> 2, 1e-7 -> 7, 2.5e-7 -> 8 (the mantissa's decimals count too). */
function decimalsOf(step: number): number {
  const [mantissa = '', exponent] = step.toString().split('e');
  const dot = mantissa.indexOf('.');
  const fraction = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.min(100, Math.max(0, fraction - Number(exponent ?? 0)));
}

/** Rounds a quantity down to the step: an order never grows beyond what the strategy asked for. */
export function roundQuantity(quantity: number, info: InstrumentInfo): number {
  // Exact decimal conversion (money.ts): a float product such as 81414476.49 x 1e8 lands a unit low and would drop a whole step.
  const stepE8 = Number.isFinite(info.quantityStep) && info.quantityStep > 0 ? qtyToE8(info.quantityStep, 'quantity step') : 0;
  if (!(stepE8 > 0)) throw invalid(`instrument ${info.instrument} has an unusable quantity step ${info.quantityStep}`, { info });
  if (!Number.isFinite(quantity) || Math.abs(quantity) > Number.MAX_SAFE_INTEGER / 1e8) {
    throw invalid(`order quantity ${quantity} for ${info.instrument} is not a usable number`, { quantity });
  }
  const qtyE8 = qtyToE8(quantity, 'order quantity');
  return e8ToQty(Math.floor(qtyE8 / stepE8) * stepE8);
}

/** Rounds a limit price to the tick on the side that never pays more (buys down, sells up). */
export function roundLimitPrice(price: number, buy: boolean, tick: number): number {
  if (!(tick > 0) || !Number.isFinite(tick)) return price;
  const ratio = price / tick;
  // The epsilon keeps a price already on the tick (6800.01 / 0.01 = 680000.99999...) where it is.
  const n = buy ? Math.floor(ratio + 1e-9) : Math.ceil(ratio - 1e-9);
  return Number((n * tick).toFixed(decimalsOf(tick)));
}

/**
 * The quantity and limit price actually sent. Refuses (ORDER_SIZE_INVALID) a non-finite or
 * non-positive quantity, one below the minimum once rounded to the step, and a limit order
 * without a usable price.
 */
export function sizeOrder(signal: Pick<Signal, 'instrument' | 'side' | 'quantity' | 'orderType' | 'limitPrice'>, info: InstrumentInfo): SizedOrder {
  const { quantity } = signal;
  if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity <= 0) {
    throw invalid(`order quantity ${String(quantity)} for ${signal.instrument} must be a finite number > 0`, { quantity });
  }
  const rounded = roundQuantity(quantity, info);
  if (rounded <= 0 || rounded < info.minQuantity) {
    throw invalid(
      `order quantity ${quantity} for ${signal.instrument} is ${rounded} at step ${info.quantityStep}, below the minimum ${info.minQuantity}`,
      { quantity, rounded, minQuantity: info.minQuantity, quantityStep: info.quantityStep },
    );
  }
  if (signal.orderType === 'market') return { quantity: rounded };
  const price = signal.limitPrice;
  if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) {
    throw invalid(`limit order for ${signal.instrument} needs a finite limit price > 0, got ${String(price)}`, { limitPrice: price });
  }
  const limitPrice = roundLimitPrice(price, directionOfSide(signal.side) === 'buy', info.priceTick);
  if (!(limitPrice > 0)) throw invalid(`limit price ${price} rounds to ${limitPrice} at tick ${info.priceTick}`, { limitPrice: price });
  return { quantity: rounded, limitPrice };
}

/** What goes to the venue: the rounded size and price, reduce-only for exits, the TTL as a venue-side backstop. */
export function venueRequest(clientOrderId: string, signal: Signal, sized: SizedOrder): VenueOrderRequest {
  return {
    clientOrderId, instrument: signal.instrument, side: signal.side, type: signal.orderType, quantity: sized.quantity,
    ...(sized.limitPrice !== undefined ? { limitPrice: sized.limitPrice } : {}),
    reduceOnly: signal.intent === 'exit',
    ...(signal.ttlMs !== undefined ? { ttlMs: signal.ttlMs } : {}),
  };
}
