// Tests of the account the paper venue keeps for itself: balance checks, holds for open orders, spot versus perpetual, reduce-only, listing rules.
import { afterEach, describe, expect, it } from 'vitest';
import { event, type Harness, MINUTE, minute, openPaper, order, PERP, refusal, T0 } from './paper-fixture.ts';

let h: Harness;
afterEach(() => h?.cleanup());

describe('the account the venue keeps', () => {
  it('refuses a buy the cash cannot pay for, records it as rejected and counts it', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'too-big', quantity: 2 })))).toContain('insufficient balance');
    expect(await h.venue.getOrder('too-big')).toMatchObject({ status: 'rejected', rejectReason: expect.stringContaining('needs 13602.00 USD') });
    expect(await h.venue.stats()).toEqual({ ordersReceived: 1, distinctClientOrderIds: 1, fills: 0 });
  });

  it('holds cash for open buy orders, so two orders cannot spend it twice', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'hold', type: 'limit', limitPrice: 6000, quantity: 1 }));
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'second', type: 'limit', limitPrice: 5000, quantity: 1 })))).toContain('4000.00 USD available');
  });

  it('refuses to sell on spot what it does not hold, but lets a perpetual go short', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801), event({ instrument: PERP, ts: T0 - MINUTE, bid: 6800, ask: 6801 }));
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'naked', side: 'sell' })))).toContain('0 held');
    await h.venue.placeOrder(order({ clientOrderId: 'short', instrument: PERP, side: 'sell', quantity: 1 }));
    h.feed(event({ instrument: PERP, ts: T0, bid: 6800, ask: 6801 }));
    expect(await h.venue.positions()).toEqual([{ instrument: PERP, quantity: -1 }]);
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'too-short', instrument: PERP, side: 'sell', quantity: 0.5 })))).toContain('of equity');
  });

  it('fills only what the cash pays for when the price jumped during latency, and cancels the rest', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'jump', quantity: 1.4 }));
    h.feed(minute(0, 7499, 7500));
    expect(await h.venue.getOrder('jump')).toMatchObject({ status: 'canceled', filledQuantity: 1.333, rejectReason: expect.stringContaining('insufficient balance at execution') });
    expect((await h.venue.balance()).cashUsd).toBeCloseTo(10_000 - 1.333 * 7500, 6);
  });

  it('reduce-only: refused when it would open or grow a position, filled when it reduces, clipped at execution', async () => {
    h = openPaper();
    const perp = (k: number, bid: number, ask: number) => event({ instrument: PERP, ts: T0 + k * MINUTE, bid, ask });
    h.feed(perp(-1, 6800, 6801));
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'r0', instrument: PERP, side: 'sell', reduceOnly: true })))).toContain('would not reduce');
    await h.venue.placeOrder(order({ clientOrderId: 'long', instrument: PERP, quantity: 0.2 }));
    h.feed(perp(0, 6800, 6801));
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'r1', instrument: PERP, side: 'sell', quantity: 0.3, reduceOnly: true })))).toContain('exceeds the position');
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'r2', instrument: PERP, side: 'buy', reduceOnly: true })))).toContain('would not reduce');
    await h.venue.placeOrder(order({ clientOrderId: 'r3', instrument: PERP, side: 'sell', type: 'limit', limitPrice: 6810, quantity: 0.2, reduceOnly: true }));
    await h.venue.placeOrder(order({ clientOrderId: 'r4', instrument: PERP, side: 'sell', type: 'limit', limitPrice: 6810, quantity: 0.2, reduceOnly: true }));
    h.feed(perp(1, 6800, 6801), perp(2, 6815, 6816));
    expect(await h.venue.getOrder('r3')).toMatchObject({ status: 'filled', filledQuantity: 0.2 });
    expect(await h.venue.getOrder('r4')).toMatchObject({ status: 'rejected', filledQuantity: 0, rejectReason: expect.stringContaining('reduce-only') });
    expect(await h.venue.positions()).toEqual([]);
  });

  it.each([
    [{ instrument: 'DOGE-USD' }, "unknown instrument 'DOGE-USD'"],
    [{ quantity: 0.0005 }, 'below the minimum'],
    [{ quantity: 0.0015 }, 'not a multiple of the step'],
    [{ type: 'limit' as const, limitPrice: 6800.005 }, 'not a multiple of the tick'],
    [{ type: 'limit' as const }, 'needs a limit price'],
    [{ limitPrice: 6800 }, 'a market order carries no limit price'],
    [{ ttlMs: -1 }, 'ttlMs -1'],
    [{ side: 'buy_yes' as const }, 'trades outright instruments'],
    [{ quantity: Number.NaN }, 'quantity NaN'],
  ])('refuses an order the listing does not allow: %j', async (overrides, says) => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'bad', ...overrides })))).toContain(says);
    expect((await h.venue.stats()).ordersReceived).toBe(1);
  });
});
