// Exact-enough arithmetic for the paper venue: cash in integer micro-dollars, quantities and prices on their steps.

/** Cash is kept in integer micro-dollars, like the ledger, so a week of fills adds up without float drift. */
export function usdToMicros(usd: number): number {
  return Math.round(usd * 1e6);
}

export function microsToUsd(micros: number): number {
  return micros / 1e6;
}

/** Quantities are compared and stored at 1e-10 resolution, well below any venue's quantity step. */
export function roundQty(q: number): number {
  return Math.round(q * 1e10) / 1e10;
}

/** True when `value` is a whole number of `step`s, within float noise. */
export function isMultipleOf(value: number, step: number): boolean {
  const n = value / step;
  return Math.abs(n - Math.round(n)) < 1e-7;
}

/** Down to a whole number of steps (a quantity the venue can fill). */
export function floorToStep(value: number, step: number): number {
  return roundQty(Math.floor(value / step + 1e-9) * step);
}

/** A price on the tick grid, rounded against the taker: a buy pays the tick above, a sell receives the tick below. */
export function roundPriceAgainst(direction: 'buy' | 'sell', price: number, tick: number): number {
  const n = price / tick;
  const steps = direction === 'buy' ? Math.ceil(n - 1e-9) : Math.floor(n + 1e-9);
  return Number((steps * tick).toPrecision(15));
}

/** Notional of a fill in micro-dollars. */
export function notionalMicros(quantity: number, price: number): number {
  return Math.round(quantity * price * 1e6);
}
