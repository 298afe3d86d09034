// The paper venue's whole state (account, orders, fills, funding, counters) and the checks a state read from disk must pass.
import type { VenueFill, VenueFundingPayment, VenueOrderStatus } from '../../../engine/plugins/plugin-api.ts';

export const STATE_VERSION = 1;

export type Direction = 'buy' | 'sell';

export interface OrderRecord {
  /** 1-based position in `orders`: the pagination key, stable across appends. */
  seq: number;
  clientOrderId: string;
  venueOrderId: string;
  instrument: string;
  side: Direction;
  type: 'market' | 'limit';
  quantity: number;
  filledQuantity: number;
  limitPrice: number | null;
  reduceOnly: boolean;
  status: VenueOrderStatus;
  rejectReason: string | null;
  placedAt: number;
  /** placedAt + the drawn latency: the order exists on the book from here. */
  arrivalTs: number;
  expiresAt: number | null;
  /** Set once the order met its first market event after arrival (marketable or not). */
  arrived: boolean;
  /** Set when the order was not marketable on arrival and rests: its later fills are maker fills. */
  resting: boolean;
  updatedAt: number;
}

export interface FillRecord extends VenueFill {
  seq: number;
}

export interface FundingRecord extends VenueFundingPayment {
  seq: number;
}

/** The last touch seen per instrument: prices market-order checks before the next event. */
export interface Mark {
  bid: number;
  ask: number;
  ts: number;
}

export interface BookState {
  version: typeof STATE_VERSION;
  /** Made at a fresh start and part of every id, so ids never repeat after a reset (the ledger keys fills by id). */
  bookId: string;
  cashMicros: number;
  /** Signed quantity per instrument; absent means flat. */
  positions: Record<string, number>;
  orders: OrderRecord[];
  fills: FillRecord[];
  funding: FundingRecord[];
  /** Every placeOrder call, duplicates and refusals included. */
  ordersReceived: number;
  marks: Record<string, Mark>;
  /** Per perpetual: funding times up to here have been settled. */
  fundingCheckedTs: Record<string, number>;
}

export function emptyState(bookId: string, startingCashMicros: number): BookState {
  return { version: STATE_VERSION, bookId, cashMicros: startingCashMicros, positions: {}, orders: [], fills: [], funding: [], ordersReceived: 0, marks: {}, fundingCheckedTs: {} };
}

const STATUSES: ReadonlySet<string> = new Set(['open', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired']);

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const orNull = (v: unknown, test: (x: unknown) => boolean) => v === null || test(v);

function recordOf(value: unknown, test: (v: unknown) => boolean): boolean {
  return isObj(value) && Object.values(value).every(test);
}

function orderDefect(o: unknown, i: number): string | null {
  if (!isObj(o)) return `orders[${i}] is not an object`;
  if (o['seq'] !== i + 1) return `orders[${i}].seq is ${String(o['seq'])}, expected ${i + 1}`;
  if (!str(o['clientOrderId']) || !str(o['venueOrderId']) || !str(o['instrument'])) return `orders[${i}] lacks an id or instrument`;
  if (o['side'] !== 'buy' && o['side'] !== 'sell') return `orders[${i}].side is not buy or sell`;
  if (o['type'] !== 'market' && o['type'] !== 'limit') return `orders[${i}].type is not market or limit`;
  if (!STATUSES.has(String(o['status']))) return `orders[${i}].status is not a venue order status`;
  for (const k of ['quantity', 'filledQuantity', 'placedAt', 'arrivalTs', 'updatedAt']) if (!finite(o[k])) return `orders[${i}].${k} is not a number`;
  if (!orNull(o['limitPrice'], finite) || !orNull(o['expiresAt'], finite) || !orNull(o['rejectReason'], (v) => typeof v === 'string')) {
    return `orders[${i}] has a bad limitPrice, expiresAt or rejectReason`;
  }
  for (const k of ['reduceOnly', 'arrived', 'resting']) if (typeof o[k] !== 'boolean') return `orders[${i}].${k} is not true or false`;
  return null;
}

function fillDefect(f: unknown, i: number): string | null {
  if (!isObj(f) || f['seq'] !== i + 1) return `fills[${i}] is not a fill with seq ${i + 1}`;
  if (![f['venueFillId'], f['venueOrderId'], f['clientOrderId'], f['instrument']].every(str)) return `fills[${i}] lacks an id`;
  if (![f['quantity'], f['price'], f['feeUsd'], f['ts']].every(finite)) return `fills[${i}] has a non-numeric amount`;
  if (f['liquidity'] !== 'maker' && f['liquidity'] !== 'taker') return `fills[${i}].liquidity is not maker or taker`;
  return null;
}

function fundingDefect(f: unknown, i: number): string | null {
  if (!isObj(f) || f['seq'] !== i + 1 || !str(f['reference']) || !str(f['instrument'])) return `funding[${i}] is not a payment with seq ${i + 1}`;
  if (![f['ts'], f['rate'], f['markPrice'], f['positionQuantity'], f['amountUsd']].every(finite)) return `funding[${i}] has a non-numeric amount`;
  return null;
}

/** Why a parsed state file cannot be trusted, or null. Anything off means start fresh: a guessed book is worse. */
export function stateDefect(value: unknown): string | null {
  if (!isObj(value)) return 'the state is not an object';
  if (value['version'] !== STATE_VERSION) return `state version is ${String(value['version'])}, expected ${STATE_VERSION}`;
  if (!str(value['bookId'])) return 'bookId is missing';
  if (!Number.isSafeInteger(value['cashMicros'])) return 'cashMicros is not a whole number';
  if (!recordOf(value['positions'], finite)) return 'positions is not a map of numbers';
  if (!recordOf(value['fundingCheckedTs'], finite)) return 'fundingCheckedTs is not a map of numbers';
  if (!recordOf(value['marks'], (m) => isObj(m) && finite(m['bid']) && finite(m['ask']) && finite(m['ts']))) return 'marks is not a map of quotes';
  const { orders, fills, funding } = value;
  if (!Array.isArray(orders) || !Array.isArray(fills) || !Array.isArray(funding)) return 'orders, fills or funding is not a list';
  const ids = new Set<unknown>();
  for (const [i, o] of orders.entries()) {
    const defect = orderDefect(o, i);
    if (defect) return defect;
    if (ids.has((o as OrderRecord).clientOrderId)) return `client order id ${(o as OrderRecord).clientOrderId} appears twice`;
    ids.add((o as OrderRecord).clientOrderId);
  }
  for (const [i, f] of fills.entries()) {
    const defect = fillDefect(f, i);
    if (defect) return defect;
  }
  for (const [i, f] of funding.entries()) {
    const defect = fundingDefect(f, i);
    if (defect) return defect;
  }
  const received = value['ordersReceived'];
  if (!Number.isSafeInteger(received) || (received as number) < orders.length) return 'ordersReceived is not a count of at least the orders held';
  return null;
}
