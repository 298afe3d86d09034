// The venue's own view of the account: cash and positions, what open orders hold back, and what an order may still buy or sell.
import type { BookState, Direction, OrderRecord } from './book-state.ts';
import { worstFeeBps } from './fees.ts';
import type { InstrumentSpec, PaperSettings } from './paper-config.ts';
import { slippedPrice } from './slippage.ts';
import { floorToStep, notionalMicros, roundQty } from './units.ts';

export function positionOf(book: BookState, instrument: string): number {
  return book.positions[instrument] ?? 0;
}

export function remainingOf(order: Pick<OrderRecord, 'quantity' | 'filledQuantity'>): number {
  return roundQty(order.quantity - order.filledQuantity);
}

export function isOpen(order: Pick<OrderRecord, 'status'>): boolean {
  return order.status === 'open' || order.status === 'partially_filled';
}

function mid(book: BookState, instrument: string): number | null {
  const m = book.marks[instrument];
  return m ? (m.bid + m.ask) / 2 : null;
}

/** Cash plus every position at its last mid (a position with no quote yet counts nothing). */
export function equityMicros(book: BookState): number {
  let total = book.cashMicros;
  for (const [instrument, qty] of Object.entries(book.positions)) {
    const m = mid(book, instrument);
    if (m !== null) total += notionalMicros(qty, m);
  }
  return total;
}

/** The price an order is expected to trade at: its limit, or the touch plus slippage for a market order. */
export function expectedPrice(book: BookState, settings: PaperSettings, spec: InstrumentSpec, o: Pick<OrderRecord, 'side' | 'type' | 'limitPrice' | 'quantity'>): number | null {
  if (o.type === 'limit') return o.limitPrice;
  const mark = book.marks[spec.instrument];
  if (!mark) return null;
  return slippedPrice(settings.slippage, o.side, o.side === 'buy' ? mark.ask : mark.bid, o.quantity, spec.priceTick);
}

/** Cash the open buy orders (of `open`, the book's open orders) hold back: their remaining quantity at their expected price plus the worst fee. */
export function reservedCashMicros(book: BookState, open: Iterable<OrderRecord>, settings: PaperSettings): number {
  let total = 0;
  for (const o of open) {
    if (o.side !== 'buy') continue;
    const spec = settings.instruments.get(o.instrument);
    const price = spec ? expectedPrice(book, settings, spec, o) : null;
    if (price !== null) total += notionalMicros(remainingOf(o), price) * (1 + worstFeeBps(settings.fees) / 10_000);
  }
  return Math.round(total);
}

function openQuantity(open: Iterable<OrderRecord>, instrument: string, side: Direction): number {
  let sum = 0;
  for (const o of open) if (o.instrument === instrument && o.side === side) sum += remainingOf(o);
  return sum;
}

export interface Intent {
  readonly side: Direction;
  readonly quantity: number;
  readonly reduceOnly: boolean;
  /** The expected execution price. */
  readonly price: number;
}

/** Why the account cannot take this order now, or null. The holds of `open`, the book's open orders, count against it. */
export function balanceRefusal(book: BookState, open: Iterable<OrderRecord>, settings: PaperSettings, spec: InstrumentSpec, intent: Intent): string | null {
  const position = positionOf(book, spec.instrument);
  if (intent.reduceOnly) {
    const reduces = intent.side === 'buy' ? position < 0 : position > 0;
    if (!reduces) return `reduce-only ${intent.side} would not reduce the position (${position})`;
    if (intent.quantity > Math.abs(position) + 1e-12) return `reduce-only ${intent.side} of ${intent.quantity} exceeds the position (${position})`;
  }
  if (intent.side === 'buy') {
    const cost = notionalMicros(intent.quantity, intent.price) * (1 + worstFeeBps(settings.fees) / 10_000);
    const available = book.cashMicros - reservedCashMicros(book, open, settings);
    if (cost > available) return `insufficient balance: needs ${(cost / 1e6).toFixed(2)} USD, ${(available / 1e6).toFixed(2)} USD available`;
    return null;
  }
  if (spec.type === 'spot') {
    const available = roundQty(position - openQuantity(open, spec.instrument, 'sell'));
    if (intent.quantity > available + 1e-12) return `insufficient balance: sells ${intent.quantity} ${spec.instrument}, ${Math.max(0, available)} held and not already offered`;
    return null;
  }
  // Perpetual short: collateralized 1x, so the short's notional may not exceed free equity.
  const shortAfter = Math.max(0, -(position - openQuantity(open, spec.instrument, 'sell') - intent.quantity));
  const needed = notionalMicros(shortAfter, intent.price);
  const free = equityMicros(book) - reservedCashMicros(book, open, settings);
  if (intent.reduceOnly || needed <= free) return null;
  return `insufficient balance: a short of ${shortAfter} ${spec.instrument} needs ${(needed / 1e6).toFixed(2)} USD of equity, ${(free / 1e6).toFixed(2)} USD free`;
}

/** How much of `wanted` the account can settle at `price` right now (what is held, what cash pays for, reduce-only). */
export function fillableQuantity(book: BookState, spec: InstrumentSpec, order: OrderRecord, wanted: number, price: number, feeBps: number): number {
  const position = positionOf(book, spec.instrument);
  let cap = wanted;
  if (order.reduceOnly) cap = Math.min(cap, order.side === 'buy' ? Math.max(0, -position) : Math.max(0, position));
  if (order.side === 'buy') cap = Math.min(cap, book.cashMicros / (price * 1e6 * (1 + Math.max(0, feeBps) / 10_000)));
  else if (spec.type === 'spot') cap = Math.min(cap, Math.max(0, position));
  return cap >= wanted ? wanted : floorToStep(Math.max(0, cap), spec.quantityStep);
}

/** Books one fill into cash and position. */
export function settleFill(book: BookState, instrument: string, side: Direction, quantity: number, price: number, feeMicros: number): void {
  const notional = notionalMicros(quantity, price);
  book.cashMicros += (side === 'buy' ? -notional : notional) - feeMicros;
  const next = roundQty(positionOf(book, instrument) + (side === 'buy' ? quantity : -quantity));
  if (next === 0) delete book.positions[instrument];
  else book.positions[instrument] = next;
}
