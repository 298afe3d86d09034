// Specs of sizing: quantities rounded down to the step, minimums enforced, limit prices on the tick on the side that never pays more.
import { describe, expect, it } from 'vitest';
import { roundLimitPrice, roundQuantity, sizeOrder } from '../../../engine/orders/order-size.ts';
import type { InstrumentInfo } from '../../../engine/plugins/plugin-api.ts';

const BTC: InstrumentInfo = { instrument: 'BTC-USD', minQuantity: 0.001, quantityStep: 0.0001, priceTick: 0.01 };
const order = { instrument: 'BTC-USD', side: 'buy' as const, orderType: 'limit' as const };

describe('sizeOrder', () => {
  it('rounds the quantity down to the step, never up', () => {
    expect(roundQuantity(0.01239, BTC)).toBe(0.0123);
    expect(roundQuantity(0.3, { ...BTC, quantityStep: 0.1 })).toBe(0.3);
    expect(sizeOrder({ ...order, quantity: 0.0019999, limitPrice: 100 }, BTC).quantity).toBe(0.0019);
  });

  it('refuses a quantity below the minimum once rounded, and a non-finite or non-positive one', () => {
    for (const quantity of [0.00099, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sizeOrder({ ...order, quantity, limitPrice: 100 }, BTC)).toThrow(expect.objectContaining({ code: 'ORDER_SIZE_INVALID' }));
    }
  });

  it('puts a buy limit on the tick below and a sell limit on the tick above, and leaves one on the tick alone', () => {
    expect(roundLimitPrice(6800.019, true, 0.01)).toBe(6800.01);
    expect(roundLimitPrice(6800.011, false, 0.01)).toBe(6800.02);
    expect(roundLimitPrice(6800.01, true, 0.01)).toBe(6800.01);
    expect(roundLimitPrice(0.57, false, 0.01)).toBe(0.57);
    expect(sizeOrder({ ...order, side: 'sell', quantity: 0.01, limitPrice: 6800.011 }, BTC).limitPrice).toBe(6800.02);
  });

  it('refuses a limit order without a usable price, and sends a market order without one', () => {
    expect(() => sizeOrder({ ...order, quantity: 0.01 }, BTC)).toThrow(expect.objectContaining({ code: 'ORDER_SIZE_INVALID' }));
    expect(() => sizeOrder({ ...order, quantity: 0.01, limitPrice: Number.NaN }, BTC)).toThrow(expect.objectContaining({ code: 'ORDER_SIZE_INVALID' }));
    expect(sizeOrder({ ...order, orderType: 'market', quantity: 0.01 }, BTC)).toEqual({ quantity: 0.01 });
  });
});
