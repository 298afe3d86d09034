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

function checked(value: number, what: string, original: number): number {
  if (!Number.isSafeInteger(value)) {
    throw new TradegateError('LEDGER_INVALID_AMOUNT', `${what} ${original} is not finite or too large for the books`, {
      what,
      value: original,
    });
  }
  return value === 0 ? 0 : value; // no -0 in the books
}

/** num / den rounded half away from zero, exactly (den > 0). */
function roundedQuotient(num: bigint, den: bigint): number {
  const abs = num < 0n ? -num : num;
  const q = (abs * 2n + den) / (den * 2n);
  return Number(num < 0n ? -q : q);
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/**
 * x as digits x 10^exp, from its shortest decimal form: the "81414476.49" or "0.15" a venue sent. A float
 * product such as 81414476.49 x 1e8 lands one unit off (from about 2^53 / 1e8 x 0.3 up), and a decimal
 * tie such as 32.3933275 USD sits below .5 micro in binary; the decimal form has neither problem.
 */
function decimalOf(x: number): { digits: bigint; exp: number } | null {
  const m = Number.isFinite(x) ? DECIMAL.exec(String(x)) : null;
  if (m === null) return null;
  const fraction = m[3] ?? '';
  return { digits: BigInt(`${m[1]}${m[2]}${fraction}`), exp: Number(m[4] ?? 0) - fraction.length };
}

/** Below this, a float product is within a thousandth of the exact one (2^40 x 3 ulp < 0.001). */
const FAST_LIMIT = 2 ** 40;

/**
 * The float product rounded, when that is provably what exact rounding gives: small enough that its
 * error stays under a thousandth, and not within a thousandth of a tie. Most amounts are; the exact
 * path costs a decimal parse and BigInt arithmetic on every order's dozen conversions.
 */
function fastRound(product: number): number | null {
  if (!(Math.abs(product) < FAST_LIMIT)) return null;
  const fraction = Math.abs(product) % 1;
  return Math.abs(fraction - 0.5) < 0.001 ? null : Math.round(product);
}

/** x x times x 10^tenPower (times a safe integer), rounded once (half away from zero); NaN when x is not finite. */
function scaled(x: number, times: number, tenPower: number): number {
  const fast = fastRound(x * times * 10 ** tenPower);
  if (fast !== null) return fast;
  const d = decimalOf(x);
  if (d === null) return Number.NaN;
  const shift = d.exp + tenPower;
  return roundedQuotient(d.digits * BigInt(times) * 10n ** BigInt(Math.max(shift, 0)), 10n ** BigInt(Math.max(-shift, 0)));
}

export function usdToMicros(usd: number, what = 'amount'): Micros {
  return checked(scaled(usd, 1, 6), what, usd);
}

export function microsToUsd(micros: Micros): number {
  return micros / MICROS_PER_USD;
}

export function qtyToE8(qty: number, what = 'quantity'): QtyE8 {
  return checked(scaled(qty, 1, 8), what, qty);
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
  const micros = Number.isSafeInteger(qtyE8) ? scaled(price, qtyE8, -2) : Number.NaN; // x 1e6 / 1e8
  return checked(micros, 'notional', qtyE8 * price);
}

/** round(a * b / c) exactly (half away from zero): the product of two safe integers is not safe as a float. */
export function mulDiv(a: number, b: number, c: number): number {
  if (c === 0) throw new TradegateError('LEDGER_INVALID_AMOUNT', 'division by zero in a proportional split', { a, b });
  const num = BigInt(a) * BigInt(b);
  const den = BigInt(c);
  return checked(den < 0n ? roundedQuotient(-num, -den) : roundedQuotient(num, den), 'proportional split', Number(num) / Number(den));
}
