// Maker and taker fees in basis points of notional; a negative maker rate is a rebate paid to the account.

export type Liquidity = 'maker' | 'taker';

export interface FeeSchedule {
  /** May be negative: a rebate for adding liquidity. */
  readonly makerBps: number;
  readonly takerBps: number;
}

export function feeRateBps(schedule: FeeSchedule, liquidity: Liquidity): number {
  return liquidity === 'maker' ? schedule.makerBps : schedule.takerBps;
}

/** The fee in micro-dollars, signed: positive is paid, negative (a rebate) is received. */
export function feeMicros(notionalMicros: number, bps: number): number {
  return Math.round((Math.abs(notionalMicros) * bps) / 10_000);
}

/** The worst fee rate an order can pay, for reserving cash before it is known whether it will make or take. */
export function worstFeeBps(schedule: FeeSchedule): number {
  return Math.max(0, schedule.makerBps, schedule.takerBps);
}
