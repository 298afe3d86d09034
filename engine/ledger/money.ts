// Fixed-point money and quantities: the books hold integers so that no number of fills can make them drift.
import { TradegateError } from '../errors.ts';

/**
 * Why integers: a float sum of 100,000 fees or lot costs drifts in the last digits, and a
 * ledger that is off by 1e-12 can no longer say "flat" or "matches the venue" exactly.
 * Money is held in micro-dollars (1e-6 USD) and quantities in 1e-8 units (a satoshi, the
 * finest lot step the seeds' venues use). Sums of integers are exact; the only rounding is
 * where a price multiplies a quantity (one notional per fill) and where a lot's cost is split
 * by quantity, and there the remainder is always assigned so the parts add up to the whole.
 * Both stay exact below 2^53: 9 billion USD and 90 million units, checked on every conversion.
 * Prices are not accumulated, so they stay plain numbers (the venue's own value).
 */
export type Micros = number;
export type QtyE8 = number;

export const MICROS_PER_USD = 1_000_000;
export const QTY_SCALE = 100_000_000;

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function checked(value: number, what: string, original: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new TradegateError('LEDGER_INVALID_AMOUNT', `${what} ${original} is not finite or too large for the books`, {
      what,
      value: original,
    });
  }
  return value === 0 ? 0 : value; // no -0 in the books
}

export function usdToMicros(usd: number, what = 'amount'): Micros {
  return checked(roundHalfAway(usd * MICROS_PER_USD), what, usd);
}

export function microsToUsd(micros: Micros): number {
  return micros / MICROS_PER_USD;
}

export function qtyToE8(qty: number, what = 'quantity'): QtyE8 {
  return checked(roundHalfAway(qty * QTY_SCALE), what, qty);
}

export function e8ToQty(qtyE8: QtyE8): number {
  return qtyE8 / QTY_SCALE;
}

/** A price as the books accept it: finite and not negative (binary contracts may trade at 0). */
export function checkPrice(price: number, what = 'price'): number {
  if (!Number.isFinite(price) || price < 0) {
    throw new TradegateError('LEDGER_INVALID_AMOUNT', `${what} ${price} must be a finite number >= 0`, { what, value: price });
  }
  return price;
}

/** quantity x price in micro-dollars, rounded once. */
export function notionalMicros(qtyE8: QtyE8, price: number): Micros {
  checkPrice(price);
  return checked(roundHalfAway((qtyE8 * price * MICROS_PER_USD) / QTY_SCALE), 'notional', qtyE8 * price);
}

/** round(a * b / c) exactly (half away from zero): the product of two safe integers is not safe as a float. */
export function mulDiv(a: number, b: number, c: number): number {
  if (c === 0) throw new TradegateError('LEDGER_INVALID_AMOUNT', 'division by zero in a proportional split', { a, b });
  let num = BigInt(a) * BigInt(b);
  let den = BigInt(c);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const abs = neg ? -num : num;
  const q = (abs * 2n + den) / (den * 2n);
  return checked(Number(neg ? -q : q), 'proportional split', Number(num) / Number(den));
}
