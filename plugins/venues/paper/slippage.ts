// The market-order slippage model: a base cost in bps plus a size-dependent part that grows with notional.
import { roundPriceAgainst } from './units.ts';

export interface SlippageModel {
  readonly baseBps: number;
  /** Extra bps for each 10,000 USD of notional: a large order walks further into the book. */
  readonly bpsPer10kUsd: number;
}

export function slippageBps(model: SlippageModel, notionalUsd: number): number {
  return model.baseBps + (model.bpsPer10kUsd * Math.abs(notionalUsd)) / 10_000;
}

/** The touch moved against the taker by the model's slippage, on the tick grid. */
export function slippedPrice(model: SlippageModel, direction: 'buy' | 'sell', touch: number, quantity: number, tick: number): number {
  const bps = slippageBps(model, touch * quantity) / 10_000;
  const raw = direction === 'buy' ? touch * (1 + bps) : touch * (1 - bps);
  return roundPriceAgainst(direction, raw, tick);
}
