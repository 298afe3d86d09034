// Orders and their append-only event log: every state change is a compare-and-set plus an event, in one transaction.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import type { Mode, OrderState, OrderType, Side } from '../types.ts';
import { joinTransaction } from './atomic.ts';
import { e8ToQty, microsToUsd, notionalMicros, qtyToE8 } from './money.ts';

export interface NewOrder {
  readonly clientOrderId: string;
  readonly intentKey: string;
  readonly venue: string;
  readonly instrument: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly qty: number;
  readonly limitPrice?: number | null;
  readonly strategy: string;
  readonly ttlMs?: number | null;
  readonly runId?: string | null;
  /** What goes to the venue, when already known (after rounding to the venue's steps). */
  readonly sent?: SentTerms;
}

export interface SentTerms {
  readonly price: number;
  readonly qty: number;
}

export interface OrderRecord {
  readonly id: number;
  readonly clientOrderId: string;
  readonly intentKey: string;
  readonly venue: string;
  readonly venueOrderId: string | null;
  readonly mode: Mode;
  readonly instrument: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly qty: number;
  readonly limitPrice: number | null;
  readonly sentPrice: number | null;
  readonly sentQty: number | null;
  readonly sentNotionalUsd: number | null;
  readonly filledQty: number;
  readonly feesUsd: number;
  readonly state: OrderState;
  readonly strategy: string;
  readonly ttlMs: number | null;
  readonly runId: string | null;
  readonly createdAtMs: number;
  readonly submittedAtMs: number | null;
  readonly updatedAtMs: number;
}

export type EventSource = 'engine' | 'venue' | 'reconcile' | 'operator';

export interface OrderEvent {
  readonly id: number;
  readonly orderId: number;
  readonly fromState: OrderState | null;
  readonly toState: OrderState;
  readonly event: string;
  readonly source: EventSource;
  readonly reason: string | null;
  readonly payload: unknown;
  readonly tsMs: number;
}

export interface StateChange {
  readonly clientOrderId: string;
  /** The state the caller believes the order is in; anything else is a conflict. */
  readonly from: OrderState;
  readonly to: OrderState;
  readonly event: string;
  readonly source?: EventSource;
  readonly reason?: string;
  readonly payload?: unknown;
  readonly venueOrderId?: string;
  readonly sent?: SentTerms;
}

export interface OrderNote {
  readonly event: string;
  readonly source?: EventSource;
  readonly reason?: string;
  readonly payload?: unknown;
}

type UpdateParams = [OrderState, number, string | null, OrderState, number, number | null, number | null, number | null, string, OrderState];

/** The transition table lives with the order manager (engine/orders); the composition root passes it in. */
export type TransitionGuard = (from: OrderState, to: OrderState) => void;

interface OrderRow {
  id: number;
  client_order_id: string;
  intent_key: string;
  venue: string;
  venue_order_id: string | null;
  mode: Mode;
  instrument: string;
  side: Side;
  order_type: OrderType;
  qty_e8: number;
  limit_price: number | null;
  sent_price: number | null;
  sent_qty_e8: number | null;
  sent_notional_micros: number | null;
  filled_qty_e8: number;
  fees_micros: number;
  state: OrderState;
  strategy: string;
  ttl_ms: number | null;
  run_id: string | null;
  created_at_ms: number;
  submitted_at_ms: number | null;
  updated_at_ms: number;
}

function toRecord(r: OrderRow): OrderRecord {
  return {
    id: r.id,
    clientOrderId: r.client_order_id,
    intentKey: r.intent_key,
    venue: r.venue,
    venueOrderId: r.venue_order_id,
    mode: r.mode,
    instrument: r.instrument,
    side: r.side,
    orderType: r.order_type,
    qty: e8ToQty(r.qty_e8),
    limitPrice: r.limit_price,
    sentPrice: r.sent_price,
    sentQty: r.sent_qty_e8 === null ? null : e8ToQty(r.sent_qty_e8),
    sentNotionalUsd: r.sent_notional_micros === null ? null : microsToUsd(r.sent_notional_micros),
    filledQty: e8ToQty(r.filled_qty_e8),
    feesUsd: microsToUsd(r.fees_micros),
    state: r.state,
    strategy: r.strategy,
    ttlMs: r.ttl_ms,
    runId: r.run_id,
    createdAtMs: r.created_at_ms,
    submittedAtMs: r.submitted_at_ms,
    updatedAtMs: r.updated_at_ms,
  };
}

function sentColumns(sent: SentTerms | undefined): [number | null, number | null, number | null] {
  if (!sent) return [null, null, null];
  const qtyE8 = qtyToE8(sent.qty, 'sent quantity');
  return [sent.price, qtyE8, notionalMicros(qtyE8, sent.price)];
}

export class OrderRepository {
  readonly #db: Database.Database;
  readonly #clock: Clock;
  readonly #mode: Mode;
  readonly #guard: TransitionGuard | undefined;
  readonly #insert;
  readonly #byCid;
  readonly #idOf;
  readonly #update;
  readonly #event;
  readonly #events;
  readonly #addFill;
  readonly #count;
  readonly #countFor;
  /** One statement per distinct state list: callers ask for a handful of fixed lists, so this stays small. */
  readonly #inStates = new Map<string, Database.Statement<string[], OrderRow>>();

  constructor(db: Database.Database, clock: Clock, mode: Mode, guard?: TransitionGuard) {
    this.#db = db;
    this.#clock = clock;
    this.#mode = mode;
    this.#guard = guard;
    this.#insert = db.prepare<unknown[], OrderRow>(`INSERT INTO orders (client_order_id, intent_key, venue, mode, instrument, side, order_type,
      qty_e8, limit_price, sent_price, sent_qty_e8, sent_notional_micros, state, strategy, ttl_ms, run_id, created_at_ms, updated_at_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending_submit', ?, ?, ?, ?, ?)
      ON CONFLICT (client_order_id) DO NOTHING RETURNING *`);
    this.#byCid = db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE client_order_id = ?');
    this.#idOf = db.prepare<[string], { id: number }>('SELECT id FROM orders WHERE client_order_id = ?');
    // Positional parameters: binding by name looks every name up on the argument object, on the hottest write.
    this.#update = db.prepare<UpdateParams, OrderRow>(`UPDATE orders SET state = ?, updated_at_ms = ?,
      venue_order_id = COALESCE(?, venue_order_id),
      submitted_at_ms = CASE WHEN ? = 'submitted' AND submitted_at_ms IS NULL THEN ? ELSE submitted_at_ms END,
      sent_price = COALESCE(?, sent_price), sent_qty_e8 = COALESCE(?, sent_qty_e8),
      sent_notional_micros = COALESCE(?, sent_notional_micros)
      WHERE client_order_id = ? AND state = ? RETURNING *`);
    this.#event = db.prepare(`INSERT INTO order_events (order_id, from_state, to_state, event, source, reason, payload_json, ts_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#events = db.prepare<[number], Omit<OrderEvent, 'payload'> & { payload: string | null }>(`SELECT id, order_id AS orderId,
      from_state AS fromState, to_state AS toState, event, source, reason, payload_json AS payload, ts_ms AS tsMs
      FROM order_events WHERE order_id = ? ORDER BY id`);
    this.#addFill = db.prepare<[number, number, number, number], OrderRow>(`UPDATE orders SET filled_qty_e8 = filled_qty_e8 + ?,
      fees_micros = fees_micros + ?, updated_at_ms = ? WHERE id = ? RETURNING *`);
    this.#count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM orders WHERE state = ?');
    this.#countFor = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM orders WHERE state = ? AND instrument = ?');
  }

  /** Persists the order as pending_submit before any venue call; a second insert of one client order id is a conflict. */
  insertPending(o: NewOrder): OrderRecord {
    const now = this.#clock.now();
    const [sentPrice, sentQty, sentNotional] = sentColumns(o.sent);
    const qtyE8 = qtyToE8(o.qty, 'order quantity');
    return joinTransaction(this.#db, () => {
      // The unique client order id decides, in the same statement as the insert: no read-then-write window.
      const row = this.#insert.get(o.clientOrderId, o.intentKey, o.venue, this.#mode, o.instrument, o.side, o.orderType, qtyE8,
        o.limitPrice ?? null, sentPrice, sentQty, sentNotional, o.strategy, o.ttlMs ?? null, o.runId ?? null, now, now);
      if (!row) {
        const existing = this.get(o.clientOrderId);
        throw new TradegateError('LEDGER_ORDER_CONFLICT', `order ${o.clientOrderId} already exists (${existing?.state ?? 'unreadable'})`, {
          clientOrderId: o.clientOrderId, actual: existing?.state,
        });
      }
      this.#event.run(row.id, null, 'pending_submit', 'created', 'engine', null, null, now);
      return toRecord(row);
    });
  }

  get(clientOrderId: string): OrderRecord | undefined {
    const row = this.#byCid.get(clientOrderId);
    return row ? toRecord(row) : undefined;
  }

  /** The row id of an order, without reading the order: enough to link a fill or to know the order exists. */
  idOf(clientOrderId: string): number | undefined {
    return this.#idOf.get(clientOrderId)?.id;
  }

  require(clientOrderId: string): OrderRecord {
    const order = this.get(clientOrderId);
    if (!order) throw new TradegateError('LEDGER_ORDER_NOT_FOUND', `no order ${clientOrderId} in the ledger`, { clientOrderId });
    return order;
  }

  /** Moves an order from the state the caller saw to a new one and logs it; a stale `from` is a conflict. */
  changeState(c: StateChange): OrderRecord {
    this.#guard?.(c.from, c.to);
    const now = this.#clock.now();
    const [sentPrice, sentQty, sentNotional] = sentColumns(c.sent);
    return joinTransaction(this.#db, () => {
      // Compare-and-set on the state the caller saw; RETURNING gives the row as written, so nothing is read twice.
      const row = this.#update.get(c.to, now, c.venueOrderId ?? null, c.to, now, sentPrice, sentQty, sentNotional, c.clientOrderId, c.from);
      if (!row) {
        const order = this.require(c.clientOrderId);
        throw new TradegateError('LEDGER_ORDER_CONFLICT', `order ${c.clientOrderId} is ${order.state}, not ${c.from}`, {
          clientOrderId: c.clientOrderId, expected: c.from, actual: order.state,
        });
      }
      this.#event.run(row.id, c.from, c.to, c.event, c.source ?? 'engine', c.reason ?? null, payloadJson(c.payload), now);
      return toRecord(row);
    });
  }

  /** Logs something that happened to an order without changing its state (a reconciliation check, a retry). */
  note(clientOrderId: string, n: OrderNote): void {
    const order = this.require(clientOrderId);
    this.#event.run(order.id, order.state, order.state, n.event, n.source ?? 'engine', n.reason ?? null, payloadJson(n.payload),
      this.#clock.now());
  }

  events(clientOrderId: string): OrderEvent[] {
    const order = this.require(clientOrderId);
    return this.#events.all(order.id).map((e) => ({ ...e, payload: e.payload === null ? null : JSON.parse(e.payload) }));
  }

  inStates(states: readonly OrderState[]): OrderRecord[] {
    if (states.length === 0) return [];
    const key = states.join(',');
    let statement = this.#inStates.get(key);
    if (!statement) {
      const marks = states.map(() => '?').join(', ');
      statement = this.#db.prepare<string[], OrderRow>(`SELECT * FROM orders WHERE state IN (${marks}) ORDER BY id`);
      this.#inStates.set(key, statement);
    }
    return statement.all(...states).map(toRecord);
  }

  countInState(state: OrderState, instrument?: string): number {
    const row = instrument === undefined ? this.#count.get(state) : this.#countFor.get(state, instrument);
    return row?.n ?? 0;
  }

  /** Bookkeeping of a confirmed fill on its order (called inside the fill transaction); returns the order as updated. */
  addFill(orderId: number, qtyE8: number, feeMicros: number): OrderRecord {
    const row = this.#addFill.get(qtyE8, feeMicros, this.#clock.now(), orderId);
    if (!row) throw new TradegateError('LEDGER_ORDER_NOT_FOUND', `no order with id ${orderId} to book a fill on`, { orderId });
    return toRecord(row);
  }
}

function payloadJson(payload: unknown): string | null {
  return payload === undefined ? null : JSON.stringify(payload);
}
