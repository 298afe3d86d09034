// Perpetual funding: when it is due (every multiple of the interval since the epoch) and what a position pays or receives.

/** Funding times T with `after` < T <= `upTo`, oldest first. */
export function dueFundingTimes(after: number, upTo: number, intervalMs: number): number[] {
  const times: number[] = [];
  for (let t = Math.floor(after / intervalMs) * intervalMs + intervalMs; t <= upTo; t += intervalMs) times.push(t);
  return times;
}

/**
 * The exchanges' convention, the same as the ledger's: a positive rate means longs pay shorts. Signed from the
 * holder's side in micro-dollars: negative when this position pays.
 */
export function fundingAmountMicros(positionQuantity: number, markPrice: number, rate: number): number {
  if (positionQuantity === 0 || rate === 0) return 0;
  const payment = Math.round(Math.abs(positionQuantity) * markPrice * Math.abs(rate) * 1e6);
  const pays = positionQuantity > 0 === rate > 0;
  return pays ? -payment : payment;
}
