// Pure mark-to-market: equity is cash plus open positions at the latest price; daily PnL and drawdown come from it.
import { TradegateError } from '../errors.ts';
import type { Leg } from './legs.ts';
import { type Micros, microsToUsd, notionalMicros, type QtyE8 } from './money.ts';

/** The latest price of one contract (for a binary NO leg: the NO price), or undefined when none is known. */
export type MarkLookup = (instrument: string, leg: Leg) => number | undefined;

export interface HeldPosition {
  readonly instrument: string;
  readonly leg: Leg;
  readonly qtyE8: QtyE8;
  readonly costMicros: Micros;
  readonly peakPrice?: number | null;
  readonly peakPnlFraction?: number | null;
}

export interface PositionMark {
  readonly price: number;
  /** Signed value at mark: a short is worth minus what it would cost to buy back. */
  readonly valueMicros: Micros;
  readonly unrealizedMicros: Micros;
  /** Unrealized PnL / |cost basis|; 0 when the basis is 0 (a contract bought at 0 has no fraction to give). */
  readonly pnlFraction: number;
  /** Most favourable price since entry: highest for a long, lowest for a short. */
  readonly peakPrice: number;
  readonly peakPnlFraction: number;
}

/** Fail closed: a position with no finite, non-negative mark has no value we can trust. */
export function requireMark(mark: MarkLookup, instrument: string, leg: Leg): number {
  const price = mark(instrument, leg);
  if (price === undefined || !Number.isFinite(price) || price < 0) {
    throw new TradegateError('LEDGER_MARK_MISSING', `no usable mark price for ${instrument} (${leg}): got ${price}`, {
      instrument,
      leg,
      price,
    });
  }
  return price;
}

export function markPosition(p: HeldPosition, price: number): PositionMark {
  const sign = p.qtyE8 < 0 ? -1 : 1;
  const valueMicros = sign * notionalMicros(Math.abs(p.qtyE8), price);
  const unrealizedMicros = valueMicros - p.costMicros;
  const pnlFraction = p.costMicros === 0 ? 0 : unrealizedMicros / Math.abs(p.costMicros);
  const storedPeak = p.peakPrice ?? price;
  const peakPrice = sign > 0 ? Math.max(storedPeak, price) : Math.min(storedPeak, price);
  const peakPnlFraction = Math.max(p.peakPnlFraction ?? pnlFraction, pnlFraction);
  return { price, valueMicros, unrealizedMicros, pnlFraction, peakPrice, peakPnlFraction };
}

export interface EquityBreakdown {
  readonly equityMicros: Micros;
  readonly cashMicros: Micros;
  readonly positionsValueMicros: Micros;
}

export function equityOf(cashMicros: Micros, positions: readonly HeldPosition[], mark: MarkLookup): EquityBreakdown {
  let positionsValueMicros = 0;
  for (const p of positions) {
    if (p.qtyE8 === 0) continue;
    positionsValueMicros += markPosition(p, requireMark(mark, p.instrument, p.leg)).valueMicros;
  }
  return { equityMicros: cashMicros + positionsValueMicros, cashMicros, positionsValueMicros };
}

const DAY_MS = 86_400_000;

/** 00:00 UTC of the day `ms` falls in. */
export function utcDayStartMs(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` in UTC: the key of a day's baseline. */
export function utcDayOf(ms: number): string {
  return new Date(utcDayStartMs(ms)).toISOString().slice(0, 10);
}

export interface EquityBaselines {
  /** The first equity observed in the current UTC day (taken at the rollover when the engine runs through it). */
  readonly dayStartEquityMicros: Micros;
  /** Highest equity recorded this session (before the current observation). */
  readonly peakEquityMicros: Micros;
  readonly sessionStartEquityMicros: Micros;
}

export interface AccountMetrics {
  readonly cashUsd: number;
  readonly equityUsd: number;
  readonly dayStartEquityUsd: number;
  readonly dailyPnlUsd: number;
  readonly dailyLossFraction: number;
  readonly peakEquityUsd: number;
  readonly drawdownFraction: number;
  readonly sessionPnlUsd: number;
}

function fractionOf(numerator: Micros, baseline: Micros, what: string): number {
  if (numerator === 0) return 0;
  if (baseline <= 0) {
    throw new TradegateError('LEDGER_EQUITY_NOT_POSITIVE', `${what} needs a positive baseline, got ${microsToUsd(baseline)} USD`, {
      what,
      baselineUsd: microsToUsd(baseline),
    });
  }
  return numerator / baseline;
}

/** Daily PnL, loss fraction, peak, drawdown and session PnL, all from marked equity (never from entry cost). */
export function accountMetrics(now: EquityBreakdown, base: EquityBaselines): AccountMetrics {
  const dailyPnl = now.equityMicros - base.dayStartEquityMicros;
  const peak = Math.max(base.peakEquityMicros, now.equityMicros);
  return {
    cashUsd: microsToUsd(now.cashMicros),
    equityUsd: microsToUsd(now.equityMicros),
    dayStartEquityUsd: microsToUsd(base.dayStartEquityMicros),
    dailyPnlUsd: microsToUsd(dailyPnl),
    dailyLossFraction: fractionOf(Math.max(0, -dailyPnl), base.dayStartEquityMicros, 'daily_loss_fraction'),
    peakEquityUsd: microsToUsd(peak),
    drawdownFraction: fractionOf(peak - now.equityMicros, peak, 'drawdown_fraction'),
    sessionPnlUsd: microsToUsd(now.equityMicros - base.sessionStartEquityMicros),
  };
}
