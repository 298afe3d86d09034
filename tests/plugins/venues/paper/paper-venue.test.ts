// Tests of the paper venue's execution realism, one behaviour each: touch prices, slippage, latency, resting limits, fees, funding, balance.
import { afterEach, describe, expect, it } from 'vitest';
import type { BarSet } from '../../../../engine/market/bar-set.ts';
import { mergeMarketEvents } from '../../../../engine/market/replay.ts';
import type { VenueFill } from '../../../../engine/plugins/plugin-api.ts';
import { event, type Harness, MINUTE, minute, openPaper, order, refusal, PERP, SPOT, T0 } from './paper-fixture.ts';

let h: Harness;
afterEach(() => h?.cleanup());

async function fills(): Promise<readonly VenueFill[]> {
  return (await h.venue.listFills({ limit: 1000 })).items;
}

describe('market orders fill at the touch, never at the trade close', () => {
  it('a market buy pays the ask (plus slippage), not the close', async () => {
    h = openPaper({ slippage: { base_bps: 10, bps_per_10k_usd: 0 } });
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'b1' }));
    h.feed(minute(0, 6810, 6811, { close: 6805 }));
    const [fill] = await fills();
    expect(fill).toMatchObject({ side: 'buy', quantity: 0.1, price: Math.ceil(6811 * 1.001 * 100) / 100, liquidity: 'taker', ts: T0 });
    expect(fill!.price).not.toBe(6805);
    expect((await h.venue.getOrder('b1'))?.status).toBe('filled');
  });

  it('slippage grows with size when the model says so', async () => {
    h = openPaper({ slippage: { base_bps: 10, bps_per_10k_usd: 5 } });
    h.feed(minute(-1, 6800, 6811));
    await h.venue.placeOrder(order({ clientOrderId: 'big', quantity: 1 }));
    h.feed(minute(0, 6810, 6811));
    const bps = 10 + (5 * 6811) / 10_000;
    expect((await fills())[0]!.price).toBe(Math.ceil(6811 * (1 + bps / 10_000) * 100) / 100);
  });

  it('a market sell receives the bid (minus slippage)', async () => {
    h = openPaper({ slippage: { base_bps: 10, bps_per_10k_usd: 0 } });
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'b1', quantity: 0.2 }));
    h.feed(minute(0, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 's1', side: 'sell', quantity: 0.1 }));
    h.feed(minute(1, 6790, 6791, { close: 6795 }));
    const sell = (await fills())[1]!;
    expect(sell).toMatchObject({ side: 'sell', price: Math.floor(6790 * 0.999 * 100) / 100, liquidity: 'taker' });
    expect(await h.venue.positions()).toEqual([{ instrument: SPOT, quantity: 0.1 }]);
  });

  it('fills against the synthesized spread when the period had trades but no quote', async () => {
    h = openPaper();
    const bars: BarSet = {
      trades: [0, 1].map((k) => ({ instrument: SPOT, ts: T0 + k * MINUTE, periodMs: MINUTE, open: 6800, high: 6810, low: 6790, close: 6805, volume: 3, sourceTs: T0 + (k + 1) * MINUTE, receiveTs: T0 + (k + 1) * MINUTE })),
      quotes: [],
      problems: [],
    };
    const [first, second] = mergeMarketEvents(bars, { synthSpreadBps: 2 });
    expect(second!.quote.synthesized).toBe(true);
    h.feed(first!);
    await h.venue.placeOrder(order({ clientOrderId: 'b1' }));
    h.feed(second!);
    expect((await fills())[0]!.price).toBe(second!.quote.askOpen);
    expect(second!.quote.askOpen).toBeCloseTo(6800 * 1.0001, 6);
  });

  it('refuses a market order before any quote has been seen: there is no price to check it against', async () => {
    h = openPaper();
    expect(await refusal(h.venue.placeOrder(order({ clientOrderId: 'early' })))).toContain('no quote for BTC-USD yet');
  });
});

describe('latency', () => {
  /** Places a market buy at T0 and feeds one-second events; returns the fill and the events it was still open after. */
  async function runLatency(seed: number): Promise<{ fill: VenueFill; openAfter: number[] }> {
    h?.cleanup();
    h = openPaper({ latency_ms: { min: 1_000, max: 50_000 } }, { seed });
    h.feed(event({ ts: T0 - 1_000, periodMs: 1_000, bid: 6800, ask: 6801 }));
    await h.venue.placeOrder(order({ clientOrderId: 'lat' }));
    const openAfter: number[] = [];
    for (let k = 0; k < 60; k++) {
      h.feed(event({ ts: T0 + k * 1_000, periodMs: 1_000, bid: 6800 + k, ask: 6801 + k }));
      if ((await h.venue.getOrder('lat'))?.status === 'open') openAfter.push(T0 + (k + 1) * 1_000);
    }
    return { fill: (await fills())[0]!, openAfter };
  }

  it('an order can fill only at events that end at or after it reached the book', async () => {
    const { fill, openAfter } = await runLatency(1);
    expect(openAfter.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...openAfter)).toBeLessThan(fill.ts);
    expect(fill.ts - T0).toBeGreaterThanOrEqual(1_000);
    expect(fill.ts - T0).toBeLessThanOrEqual(51_000);
    // The price is the touch of the second it filled in: later arrival, later (here higher) price.
    expect(fill.price).toBe(6801 + (fill.ts - T0) / 1_000 - 1);
  });

  it('is reproducible: the same seed gives the same fills, another seed other ones', async () => {
    const a = await runLatency(1);
    const b = await runLatency(1);
    const c = await runLatency(2);
    expect(b.fill).toEqual({ ...a.fill, venueFillId: b.fill.venueFillId, venueOrderId: b.fill.venueOrderId });
    expect(c.fill.ts).not.toBe(a.fill.ts);
  });
});

describe('resting limit orders', () => {
  it('rest when not marketable and fill at their limit, as maker, once the ask goes through it', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'l1', type: 'limit', limitPrice: 6795 }));
    h.feed(minute(0, 6799, 6800, { close: 6790 }));
    expect(await fills()).toEqual([]);
    h.feed(minute(1, 6797, 6798, { askLow: 6795 }));
    expect(await fills()).toEqual([]);
    h.feed(minute(2, 6795, 6798, { askLow: 6794.5 }));
    expect(await fills()).toEqual([expect.objectContaining({ price: 6795, quantity: 0.1, liquidity: 'maker', ts: T0 + 3 * MINUTE })]);
    expect((await h.venue.getOrder('l1'))?.status).toBe('filled');
  });

  it('a limit marketable on arrival takes at the touch (taker), never beyond its limit', async () => {
    h = openPaper({ slippage: { base_bps: 50, bps_per_10k_usd: 0 } });
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'cheap', type: 'limit', limitPrice: 6900 }));
    await h.venue.placeOrder(order({ clientOrderId: 'capped', type: 'limit', limitPrice: 6805 }));
    h.feed(minute(0, 6800, 6801));
    const [cheap, capped] = await fills();
    expect(cheap).toMatchObject({ clientOrderId: 'cheap', liquidity: 'taker', price: Math.ceil(6801 * 1.005 * 100) / 100 });
    expect(capped).toMatchObject({ clientOrderId: 'capped', liquidity: 'taker', price: 6805 });
  });

  it('fill partially by the period volume times participation, then complete', async () => {
    h = openPaper({ participation: 0.1 });
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'p1', type: 'limit', limitPrice: 6795, quantity: 1 }));
    h.feed(minute(0, 6799, 6800), minute(1, 6790, 6794, { volume: 4 }));
    expect(await h.venue.getOrder('p1')).toMatchObject({ status: 'partially_filled', filledQuantity: 0.4 });
    h.feed(minute(2, 6790, 6794, { volume: 20 }));
    expect(await h.venue.getOrder('p1')).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect((await fills()).map((f) => [f.quantity, f.liquidity])).toEqual([
      [0.4, 'maker'],
      [0.6, 'maker'],
    ]);
  });

  it('share one period volume in the order they were placed', async () => {
    h = openPaper({ participation: 0.1 });
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'first', type: 'limit', limitPrice: 6795, quantity: 0.3 }));
    await h.venue.placeOrder(order({ clientOrderId: 'second', type: 'limit', limitPrice: 6795, quantity: 0.3 }));
    h.feed(minute(0, 6799, 6800), minute(1, 6790, 6794, { volume: 4 }));
    expect((await fills()).map((f) => [f.clientOrderId, f.quantity])).toEqual([
      ['first', 0.3],
      ['second', 0.1],
    ]);
  });

  it('in a period without trades, fill against a share of the quoted size, and not at all without one', async () => {
    h = openPaper({ participation: 0.5 });
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'q', type: 'limit', limitPrice: 6795, quantity: 1 }));
    h.feed(minute(0, 6799, 6800), minute(1, 6790, 6794, { volume: null }));
    expect(await fills()).toEqual([]);
    h.feed(minute(2, 6790, 6794, { volume: null, askSize: 0.6 }));
    expect((await fills())[0]!.quantity).toBe(0.3);
  });

  it('cancel: a canceled order never fills; canceling again or a finished order changes nothing', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 'c1', type: 'limit', limitPrice: 6795 }));
    h.clock.advance(5_000);
    expect(await h.venue.cancelOrder('c1')).toMatchObject({ status: 'canceled', updatedAt: T0 + 5_000 });
    h.feed(minute(0, 6780, 6781));
    expect(await fills()).toEqual([]);
    expect(await h.venue.cancelOrder('c1')).toMatchObject({ status: 'canceled', updatedAt: T0 + 5_000 });
    expect(await h.venue.cancelOrder('never-placed')).toBeNull();
    await h.venue.placeOrder(order({ clientOrderId: 'm1' }));
    h.feed(minute(1, 6780, 6781));
    expect(await h.venue.cancelOrder('m1')).toMatchObject({ status: 'filled' });
  });

  it('TTL: an order expires at placement + ttl, and a period ending after that cannot fill it', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 't1', type: 'limit', limitPrice: 6795, ttlMs: 90_000 }));
    h.feed(minute(0, 6799, 6800));
    expect((await h.venue.getOrder('t1'))?.status).toBe('open');
    h.feed(minute(1, 6780, 6781));
    expect(await h.venue.getOrder('t1')).toMatchObject({ status: 'expired', updatedAt: T0 + 90_000 });
    expect(await fills()).toEqual([]);
  });

  it('TTL: the clock expires an order even when no market event comes', async () => {
    h = openPaper();
    h.feed(minute(-1, 6800, 6801));
    await h.venue.placeOrder(order({ clientOrderId: 't2', type: 'limit', limitPrice: 6795, ttlMs: 30_000 }));
    h.clock.advance(29_999);
    expect((await h.venue.getOrder('t2'))?.status).toBe('open');
    h.clock.advance(1);
    expect((await h.venue.listOrders({ openOnly: true })).items).toEqual([]);
    expect((await h.venue.getOrder('t2'))?.status).toBe('expired');
  });
});

describe('fees and funding', () => {
  it('charges takers and pays makers a rebate, in cash', async () => {
    h = openPaper({ fees: { maker_bps: -2.5, taker_bps: 7.5 } });
    h.feed(minute(-1, 6800, 6811));
    await h.venue.placeOrder(order({ clientOrderId: 'taker' }));
    await h.venue.placeOrder(order({ clientOrderId: 'maker', type: 'limit', limitPrice: 6795 }));
    h.feed(minute(0, 6810, 6811), minute(1, 6790, 6794));
    const [taker, maker] = await fills();
    expect(taker).toMatchObject({ liquidity: 'taker', price: 6811, feeUsd: 0.510825 });
    expect(maker).toMatchObject({ liquidity: 'maker', price: 6795, feeUsd: -0.169875 });
    expect((await h.venue.balance()).cashUsd).toBeCloseTo(10_000 - 681.1 - 0.510825 - 679.5 + 0.169875, 6);
  });

  it.each([
    [1, 0.0001, -1],
    [-1, 0.0001, 1],
    [1, -0.0001, 1],
  ])('perpetual funding: position %d at rate %d moves cash by sign %d at each interval', async (direction, rate, sign) => {
    const B = T0 + 8 * 3_600_000;
    const perp = (ts: number, bid: number, ask: number) => event({ instrument: PERP, ts, bid, ask });
    const instruments = [{ instrument: PERP, type: 'perpetual' as const, min_quantity: 0.001, quantity_step: 0.001, price_tick: 0.5, funding_rate: rate, funding_interval_ms: 8 * 3_600_000 }];
    h = openPaper({ instruments });
    h.feed(perp(B - 3 * MINUTE, 6900, 6901));
    await h.venue.placeOrder(order({ clientOrderId: 'pos', instrument: PERP, side: direction > 0 ? 'buy' : 'sell', quantity: 1 }));
    h.feed(perp(B - 2 * MINUTE, 6900, 6901), perp(B - MINUTE, 6900, 6901));
    const before = (await h.venue.balance()).cashUsd;
    expect((await h.venue.fundingPayments({})).items).toEqual([]);
    h.feed(perp(B, 6950, 6951));
    const { items } = await h.venue.fundingPayments({});
    expect(items).toEqual([expect.objectContaining({ instrument: PERP, ts: B, rate, markPrice: 6900.5, positionQuantity: direction, amountUsd: sign * 0.69005 })]);
    expect((await h.venue.balance()).cashUsd).toBeCloseTo(before + sign * 0.69005, 6);
    h.feed(perp(B + MINUTE, 6950, 6951));
    expect((await h.venue.fundingPayments({})).items).toHaveLength(1);
  });
});
