// Specs for closed-trade attribution: FIFO round trips from fills, edge / execution / luck computed by hand, fees shared exactly.
import { describe, expect, it } from 'vitest';
import { type AttributionFill, attributeTrades, declaredEdgeBps, type OrderReference } from '../../../engine/runtime/attribution.ts';
import type { Side } from '../../../engine/types.ts';

let nextId = 1;
function fill(order: string, side: Side, qty: number, price: number, feeMicros: number, realizedMicros = 0, extra: Partial<AttributionFill> = {}): AttributionFill {
  return {
    id: nextId++, clientOrderId: order, strategy: 'canary', runId: 'run-1', instrument: 'BTC-USD', leg: 'outright', side,
    qtyE8: Math.round(qty * 1e8), price, feeMicros, realizedMicros, tsMs: 1_700_000_000_000 + nextId * 60_000, ...extra,
  };
}

const refs = (entries: Record<string, OrderReference>) => new Map(Object.entries(entries));

function identity(t: { edgeMicros: number; executionMicros: number; luckMicros: number; realizedMicros: number; feesMicros: number }): boolean {
  return t.edgeMicros + t.executionMicros + t.luckMicros === t.realizedMicros - t.feesMicros;
}

describe('attributeTrades', () => {
  it('splits a long round trip into edge, execution and luck, worked by hand', () => {
    // Buy 0.01 at 100.10 seeing 100.00 with 20 bps declared; sell at 101.00 seeing 101.20.
    const fills = [fill('A', 'buy', 0.01, 100.1, 500), fill('B', 'sell', 0.01, 101, 600, 9_000)];
    const { trades, mismatchedFillIds } = attributeTrades(fills, refs({ A: { signalPrice: 100, edgeBps: 20 }, B: { signalPrice: 101.2, edgeBps: null } }));
    expect(mismatchedFillIds).toEqual([]);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      entryClientOrderId: 'A', exitClientOrderId: 'B', direction: 'long', qtyE8: 1_000_000,
      entryCostMicros: 1_001_000, exitCashMicros: 1_010_000,
      realizedMicros: 9_000, feesMicros: 1_100, netMicros: 7_900,
      // 20 bps of 0.01 x 100.00
      edgeMicros: 2_000,
      // entry: (100.00 - 100.10) x 0.01 = -1,000; exit: (101.00 - 101.20) x 0.01 = -2,000
      executionMicros: -3_000,
      // the signal-to-signal move (12,000) less the edge and the fees
      luckMicros: 8_900,
    });
    expect(identity(trades[0]!)).toBe(true);
  });

  it('mirrors execution for a short, and counts a maker rebate as a negative fee', () => {
    // Sell 0.02 at 50.00 seeing 49.90 (10 bps declared); buy back at 49.00 seeing 49.05 with a 100 micro-dollar rebate.
    const fills = [fill('S', 'sell', 0.02, 50, 0), fill('C', 'buy', 0.02, 49, -100, 20_000)];
    const [trade] = attributeTrades(fills, refs({ S: { signalPrice: 49.9, edgeBps: 10 }, C: { signalPrice: 49.05, edgeBps: null } })).trades;
    expect(trade).toMatchObject({
      direction: 'short', realizedMicros: 20_000, feesMicros: -100, netMicros: 20_100,
      // 10 bps of 0.02 x 49.90 = 998,000 micro-dollars
      edgeMicros: 998,
      // entry: sold 2,000 above the signal; exit: bought 1,000 below it
      executionMicros: 3_000,
      luckMicros: 20_100 - 998 - 3_000,
    });
    expect(identity(trade!)).toBe(true);
  });

  it('matches FIFO across two entries and a split exit, sharing each fill’s fee by quantity', () => {
    const fills = [
      fill('A', 'buy', 1, 10, 1_000),
      fill('B', 'buy', 1, 11, 1_000),
      fill('C', 'sell', 1, 12, 600, 2_000_000),
      fill('C', 'sell', 0.5, 12.5, 300, 750_000),
    ];
    const { trades } = attributeTrades(fills, new Map());
    expect(trades.map((t) => [t.entryClientOrderId, t.exitClientOrderId, t.qtyE8, t.realizedMicros, t.feesMicros])).toEqual([
      ['A', 'C', 100_000_000, 2_000_000, 1_600],
      // Half of B closed: half its fee; the rest of it stays with the open half.
      ['B', 'C', 50_000_000, 750_000, 800],
    ]);
    // Without signal prices each leg is measured against its own fill: everything beyond is luck.
    for (const t of trades) expect(t).toMatchObject({ edgeMicros: 0, executionMicros: 0, luckMicros: t.netMicros, entrySignalPrice: null, edgeBps: null });
  });

  it('joins the partial fills of one entry and one exit into one trade', () => {
    const fills = [fill('D', 'buy', 0.4, 20, 333), fill('D', 'buy', 0.6, 21, 667), fill('E', 'sell', 1, 22, 1_001, 1_400_000)];
    const { trades } = attributeTrades(fills, refs({ D: { signalPrice: 20, edgeBps: 50 }, E: { signalPrice: 22, edgeBps: null } }));
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      qtyE8: 100_000_000, entryCostMicros: 20_600_000, exitCashMicros: 22_000_000, realizedMicros: 1_400_000,
      // every fee in full: 333 + 667 + 1,001
      feesMicros: 2_001,
      // 50 bps of 1 x 20.00
      edgeMicros: 100_000,
      // entry at 20.60 on average against 20.00
      executionMicros: -600_000,
      luckMicros: 1_400_000 - 2_001 - 100_000 + 600_000,
    });
  });

  it('shares an odd fee so the parts add up to it exactly', () => {
    const fills = [fill('A', 'buy', 3, 10, 1_000), fill('B', 'sell', 1, 10, 0), fill('C', 'sell', 1, 10, 0), fill('D', 'sell', 1, 10, 0)];
    const { trades } = attributeTrades(fills, new Map());
    expect(trades.map((t) => t.feesMicros)).toEqual([333, 334, 333]);
  });

  it('flags fills whose replayed realized PnL differs from what the ledger booked', () => {
    const entry = fill('A', 'buy', 1, 10, 0);
    const exit = fill('B', 'sell', 1, 11, 0, 999_999);
    expect(attributeTrades([entry, exit], new Map()).mismatchedFillIds).toEqual([exit.id]);
  });

  it('keeps instruments and legs apart, and names the run the trade closed in', () => {
    const fills = [
      fill('A', 'buy', 1, 10, 0, 0, { runId: 'run-1' }),
      fill('X', 'buy', 1, 100, 0, 0, { instrument: 'ETH-USD', runId: 'run-1' }),
      fill('B', 'sell', 1, 12, 0, 2_000_000, { runId: 'run-2' }),
    ];
    const { trades, mismatchedFillIds } = attributeTrades(fills, new Map());
    expect(mismatchedFillIds).toEqual([]);
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ instrument: 'BTC-USD', runId: 'run-2', entryClientOrderId: 'A' });
  });
});

describe('declaredEdgeBps', () => {
  it('adds back the move from the signal price to the expected execution price', () => {
    expect(declaredEdgeBps({ 'market.edge_bps': 15, 'market.signal_price': 100, 'order.price': 100.05, 'order.side': 'buy' })).toBeCloseTo(20, 9);
    expect(declaredEdgeBps({ 'market.edge_bps': 15, 'market.signal_price': 100, 'order.price': 99.95, 'order.side': 'sell' })).toBeCloseTo(20, 9);
  });

  it('is null without an edge fact', () => {
    expect(declaredEdgeBps({ 'market.signal_price': 100 })).toBeNull();
  });
});
