// The gate's account.* and position.* facts, computed purely from ledger state and marks (names from the fact catalog).
import { TradegateError } from '../errors.ts';
import { type AccountMetrics, type HeldPosition, type MarkLookup, markPosition, requireMark } from './equity.ts';
import { type Direction, type Leg, signOf } from './legs.ts';
import { e8ToQty, microsToUsd, qtyToE8 } from './money.ts';

export interface CandidateOrderTerms {
  readonly direction: Direction;
  readonly qty: number;
  /** Limit price, or the expected execution price of a market order. */
  readonly price: number;
}

export interface LedgerFactsInput {
  readonly metrics: AccountMetrics;
  /** The venue's own cash figure; in paper and backtest the caller passes the ledger's cash. */
  readonly venueBalanceUsd: number;
  /** Every position row of the ledger (flat ones are ignored). */
  readonly positions: readonly HeldPosition[];
  readonly instrument: string;
  readonly leg: Leg;
  readonly mark: MarkLookup;
  /** Absent at tick time: after-fill facts then equal the current position. */
  readonly order?: CandidateOrderTerms;
  /** Other instruments of the same event (binary markets grouped by event). */
  readonly eventInstruments?: readonly string[];
}

export type AccountFacts = Record<
  | 'cash_usd'
  | 'venue_balance_usd'
  | 'equity_usd'
  | 'day_start_equity_usd'
  | 'daily_pnl_usd'
  | 'daily_loss_fraction'
  | 'peak_equity_usd'
  | 'drawdown_fraction'
  | 'session_pnl_usd',
  number
>;

export interface PositionFacts {
  readonly quantity: number;
  readonly notional_usd: number;
  readonly after_fill_quantity: number;
  readonly after_fill_notional_usd: number;
  readonly open_positions_count: number;
  readonly has_position_in_market: boolean;
  readonly has_position_in_event: boolean;
  readonly unrealized_pnl_usd: number;
  readonly unrealized_loss_usd: number;
  readonly unrealized_pnl_fraction: number;
  readonly unrealized_loss_fraction: number;
  readonly peak_pnl_fraction: number;
  readonly retrace_from_peak_fraction: number;
  readonly entry_price: number;
  readonly peak_price: number;
}

export interface LedgerFacts {
  readonly account: AccountFacts;
  readonly position: PositionFacts;
}

function accountFacts(m: AccountMetrics, venueBalanceUsd: number): AccountFacts {
  return {
    cash_usd: m.cashUsd,
    venue_balance_usd: venueBalanceUsd,
    equity_usd: m.equityUsd,
    day_start_equity_usd: m.dayStartEquityUsd,
    daily_pnl_usd: m.dailyPnlUsd,
    daily_loss_fraction: m.dailyLossFraction,
    peak_equity_usd: m.peakEquityUsd,
    drawdown_fraction: m.drawdownFraction,
    session_pnl_usd: m.sessionPnlUsd,
  };
}

function positionFacts(input: LedgerFactsInput): PositionFacts {
  const open = input.positions.filter((p) => p.qtyE8 !== 0);
  const held = open.find((p) => p.instrument === input.instrument && p.leg === input.leg);
  const qtyE8 = held?.qtyE8 ?? 0;
  const orderE8 = input.order ? signOf(input.order.direction) * qtyToE8(input.order.qty, 'order quantity') : 0;
  const afterE8 = Math.abs(qtyE8 + orderE8);
  const events = new Set(input.eventInstruments ?? []);
  const shared = {
    open_positions_count: open.length,
    has_position_in_market: open.some((p) => p.instrument === input.instrument),
    has_position_in_event: open.some((p) => p.instrument !== input.instrument && events.has(p.instrument)),
  };
  if (!held) {
    const afterPrice = input.order?.price ?? 0;
    return {
      ...shared, quantity: 0, notional_usd: 0, after_fill_quantity: e8ToQty(afterE8), after_fill_notional_usd: e8ToQty(afterE8) * afterPrice,
      unrealized_pnl_usd: 0, unrealized_loss_usd: 0, unrealized_pnl_fraction: 0, unrealized_loss_fraction: 0,
      peak_pnl_fraction: 0, retrace_from_peak_fraction: 0, entry_price: 0, peak_price: 0,
    };
  }
  const m = markPosition(held, requireMark(input.mark, held.instrument, held.leg));
  const upnl = microsToUsd(m.unrealizedMicros);
  return {
    ...shared,
    quantity: e8ToQty(qtyE8),
    notional_usd: Math.abs(microsToUsd(m.valueMicros)),
    after_fill_quantity: e8ToQty(afterE8),
    after_fill_notional_usd: e8ToQty(afterE8) * (input.order?.price ?? m.price),
    unrealized_pnl_usd: upnl,
    unrealized_loss_usd: Math.max(0, -upnl),
    unrealized_pnl_fraction: m.pnlFraction,
    unrealized_loss_fraction: Math.max(0, -m.pnlFraction),
    peak_pnl_fraction: m.peakPnlFraction,
    retrace_from_peak_fraction: m.peakPnlFraction - m.pnlFraction,
    entry_price: microsToUsd(Math.abs(held.costMicros)) / e8ToQty(Math.abs(qtyE8)),
    peak_price: m.peakPrice,
  };
}

function assertFinite(ns: string, facts: Readonly<Record<string, number | boolean>>): void {
  for (const [name, value] of Object.entries(facts)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TradegateError('FACT_NOT_FINITE', `${ns}.${name} computed from the ledger is ${value}`, { fact: `${ns}.${name}` });
    }
  }
}

/**
 * The facts a candidate order (or a tick) is judged on. Fails closed: a missing mark, a
 * non-positive equity baseline or any non-finite result throws a coded error instead of
 * handing the gate a NaN.
 */
export function ledgerFacts(input: LedgerFactsInput): LedgerFacts {
  for (const [fact, value] of [['order.price', input.order?.price], ['order.quantity', input.order?.qty]] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new TradegateError('FACT_NOT_FINITE', `${fact} ${value} is not a usable number`, { fact });
    }
  }
  const account = accountFacts(input.metrics, input.venueBalanceUsd);
  const position = positionFacts(input);
  assertFinite('account', account);
  assertFinite('position', position as unknown as Record<string, number | boolean>);
  return { account, position };
}
