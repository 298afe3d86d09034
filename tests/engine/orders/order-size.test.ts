// Specs of sizing: quantities rounded down to the step, minimums enforced, limit prices on the tick on the side that never pays more, and the venue request made from them.
import { describe, expect, it } from 'vitest';
import { roundLimitPrice, roundQuantity, sizeOrder, venueRequest } from '../../../engine/orders/order-size.ts';
import type { Signal } from '../../../engine/plugins/plugin-api.ts';
import type { InstrumentInfo } from '../../../engine/plugins/plugin-api.ts';

const BTC: InstrumentInfo = { instrument: 'BTC-USD', minQuantity: 0.001, quantityStep: 0.0001, priceTick: 0.01 };
const order = { instrument: 'BTC-USD', side: 'buy' as const, orderType: 'limit' as const };

describe('sizeOrder', () => {
  it('rounds the quantity down to the step, never up', () => {
    expect(roundQuantity(0.01239, BTC)).toBe(0.0123);
    expect(roundQuantity(0.3, { ...BTC, quantityStep: 0.1 })).toBe(0.3);
    expect(sizeOrder({ ...order, quantity: 0.0019999, limitPrice: 100 }, BTC).quantity).toBe(0.0019);
  });

  it('keeps a large quantity already on the step whole: a full-position exit leaves no dust', () => {
    // 81414476.49 x 1e8 is 8141447648.999999 in floating point: rounded from the float, a step went missing.
    expect(roundQuantity(81_414_476.49, { ...BTC, quantityStep: 0.01 })).toBe(81_414_476.49);
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

  it('keeps a tick written in exponent form with a mantissa (2.5e-7) on its grid, a buy never rounded up', () => {
    expect(roundLimitPrice(7.6e-7, true, 2.5e-7)).toBe(7.5e-7);
    expect(roundLimitPrice(7.4e-7, false, 2.5e-7)).toBe(7.5e-7);
    expect(roundLimitPrice(1e-7, true, 1e-7)).toBe(1e-7);
  });

  it('refuses a limit order without a usable price, and sends a market order without one', () => {
    expect(() => sizeOrder({ ...order, quantity: 0.01 }, BTC)).toThrow(expect.objectContaining({ code: 'ORDER_SIZE_INVALID' }));
    expect(() => sizeOrder({ ...order, quantity: 0.01, limitPrice: Number.NaN }, BTC)).toThrow(expect.objectContaining({ code: 'ORDER_SIZE_INVALID' }));
    expect(sizeOrder({ ...order, orderType: 'market', quantity: 0.01 }, BTC)).toEqual({ quantity: 0.01 });
  });
});

describe('venueRequest', () => {
  const signal: Signal = { instrument: 'BTC-USD', side: 'sell', quantity: 0.01239, orderType: 'limit', limitPrice: 6800.011, signalId: 's', intent: 'exit', reason: 'r' };

  it('sends the sized quantity and price, never the signal\u2019s, reduce-only for an exit, with its TTL as the venue-side backstop', () => {
    const sized = sizeOrder(signal, BTC);
    expect(venueRequest('tg-1', { ...signal, ttlMs: 30_000 }, sized)).toEqual({
      clientOrderId: 'tg-1', instrument: 'BTC-USD', side: 'sell', type: 'limit', quantity: 0.0123, limitPrice: 6800.02, reduceOnly: true, ttlMs: 30_000,
    });
  });

  it('leaves out what the order has not: no limit price on a market order, no TTL unless asked; an entry is not reduce-only', () => {
    const market: Signal = { ...signal, side: 'buy', intent: 'entry', orderType: 'market', limitPrice: undefined };
    expect(venueRequest('tg-2', market, sizeOrder(market, BTC))).toEqual({ clientOrderId: 'tg-2', instrument: 'BTC-USD', side: 'buy', type: 'market', quantity: 0.0123, reduceOnly: false });
  });
});
