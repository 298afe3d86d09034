// Specs of pure mark-to-market: equity, UTC day boundaries, daily loss, peak and drawdown, and fail-closed marks.
import { describe, expect, it } from 'vitest';
import {
  accountMetrics,
  equityOf,
  type HeldPosition,
  markPosition,
  requireMark,
  utcDayOf,
  utcDayStartMs,
} from '../../../engine/ledger/equity.ts';
import { qtyToE8, usdToMicros } from '../../../engine/ledger/money.ts';

const long: HeldPosition = { instrument: 'BTC-USD', leg: 'outright', qtyE8: qtyToE8(0.5), costMicros: usdToMicros(15_000) };
const short: HeldPosition = { instrument: 'ETH-USD', leg: 'outright', qtyE8: -qtyToE8(2), costMicros: -usdToMicros(4_000) };

describe('markPosition', () => {
  it('values a long at quantity x mark and a short at minus the buy-back cost', () => {
    expect(markPosition(long, 32_000)).toMatchObject({ valueMicros: usdToMicros(16_000), unrealizedMicros: usdToMicros(1_000) });
    expect(markPosition(short, 2_100)).toMatchObject({ valueMicros: -usdToMicros(4_200), unrealizedMicros: -usdToMicros(200) });
    expect(markPosition(short, 2_100).pnlFraction).toBeCloseTo(-0.05, 12);
  });

  it('keeps the most favourable price: the highest for a long, the lowest for a short', () => {
    expect(markPosition({ ...long, peakPrice: 35_000, peakPnlFraction: 0.16 }, 31_000)).toMatchObject({ peakPrice: 35_000, peakPnlFraction: 0.16 });
    expect(markPosition({ ...short, peakPrice: 1_900 }, 2_000).peakPrice).toBe(1_900);
    expect(markPosition({ ...short, peakPrice: 1_900 }, 1_800).peakPrice).toBe(1_800);
  });
});

describe('equityOf', () => {
  it('adds cash and every open position at its mark', () => {
    const marks: Record<string, number> = { 'BTC-USD': 32_000, 'ETH-USD': 2_100 };
    const e = equityOf(usdToMicros(1_000), [long, short], (i) => marks[i]);
    expect(e).toEqual({ cashMicros: usdToMicros(1_000), positionsValueMicros: usdToMicros(16_000 - 4_200), equityMicros: usdToMicros(12_800) });
  });

  it('fails closed with LEDGER_MARK_MISSING (kind deny) when an open position has no usable mark', () => {
    for (const bad of [undefined, Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(() => equityOf(0, [long], () => bad)).toThrow(expect.objectContaining({ code: 'LEDGER_MARK_MISSING', kind: 'deny' }));
    }
    expect(equityOf(5, [{ ...long, qtyE8: 0 }], () => undefined).equityMicros).toBe(5);
    expect(requireMark(() => 0, 'KX', 'no')).toBe(0);
  });
});

describe('UTC days', () => {
  it('starts each day at 00:00 UTC exactly', () => {
    const lastMs = Date.UTC(2024, 0, 1, 23, 59, 59, 999);
    expect(utcDayOf(lastMs)).toBe('2024-01-01');
    expect(utcDayOf(lastMs + 1)).toBe('2024-01-02');
    expect(utcDayStartMs(lastMs)).toBe(Date.UTC(2024, 0, 1));
  });
});

describe('accountMetrics', () => {
  const now = (equity: number) => ({ equityMicros: usdToMicros(equity), cashMicros: usdToMicros(equity), positionsValueMicros: 0 });
  const base = { dayStartEquityMicros: usdToMicros(10_000), peakEquityMicros: usdToMicros(10_500), sessionStartEquityMicros: usdToMicros(9_000) };

  it('derives daily PnL, daily loss fraction, drawdown and session PnL from equity', () => {
    expect(accountMetrics(now(9_800), base)).toEqual({
      cashUsd: 9_800,
      equityUsd: 9_800,
      dayStartEquityUsd: 10_000,
      dailyPnlUsd: -200,
      dailyLossFraction: 0.02,
      peakEquityUsd: 10_500,
      drawdownFraction: 700 / 10_500,
      sessionPnlUsd: 800,
    });
  });

  it('reports no loss on a winning day and raises the peak to a new high', () => {
    const m = accountMetrics(now(11_000), base);
    expect(m.dailyLossFraction).toBe(0);
    expect(m.peakEquityUsd).toBe(11_000);
    expect(m.drawdownFraction).toBe(0);
  });

  it('throws LEDGER_EQUITY_NOT_POSITIVE rather than dividing by a zero or negative baseline', () => {
    expect(() => accountMetrics(now(-5), { ...base, dayStartEquityMicros: 0 })).toThrow(
      expect.objectContaining({ code: 'LEDGER_EQUITY_NOT_POSITIVE', kind: 'deny' }),
    );
    expect(accountMetrics(now(0), { dayStartEquityMicros: 0, peakEquityMicros: 0, sessionStartEquityMicros: 0 }).dailyLossFraction).toBe(0);
  });
});
