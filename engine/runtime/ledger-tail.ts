// Follows the ledger's append-only trails (order events, fills, breaker events) and announces each new row once on the bus.
import type { EventBus } from '../bus.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { e8ToQty, microsToUsd } from '../ledger/money.ts';
import type { Mode, OrderState, Side } from '../types.ts';

interface OrderEventRow {
  id: number;
  fromState: OrderState | null;
  toState: OrderState;
  reason: string | null;
  event: string;
  clientOrderId: string;
  venue: string;
  instrument: string;
  strategy: string;
  side: Side;
  mode: Mode;
  qtyE8: number;
  filledE8: number;
}

interface FillEventRow {
  id: number;
  clientOrderId: string | null;
  venue: string;
  venueFillId: string;
  instrument: string;
  side: Side;
  qtyE8: number;
  price: number;
  feeMicros: number;
  realizedMicros: number;
  liquidity: 'maker' | 'taker';
}

interface BreakerRow {
  id: number;
  action: 'trip' | 'reset';
  reason: string | null;
  actor: string;
}

/** Breaker trips the Breaker service announces itself (engine/runtime/breaker.ts, for failed assertions). */
const SELF_ANNOUNCED_ACTOR = /^assertion:/;

/**
 * Every order state change, fill and breaker trip or reset is a row the ledger appends, whoever made it
 * (the order manager, reconciliation, the session, another process): reading the rows after each step
 * announces each exactly once, in the order it happened, without the orders layer knowing the bus.
 * Starts after the rows that exist when it is built: history is not announced again on a restart.
 */
export class LedgerTail {
  readonly #bus: EventBus;
  readonly #orderEvents;
  readonly #fills;
  readonly #breakerEvents;
  readonly #maxOrderEvent;
  readonly #maxFill;
  #lastOrderEvent: number;
  #lastFill: number;
  #lastBreakerEvent: number;
  #tripped: boolean;

  constructor(ledger: Pick<Ledger, 'db' | 'breaker'>, bus: EventBus) {
    const { db } = ledger;
    this.#bus = bus;
    const max = (table: string) => db.prepare<[], { m: number | null }>(`SELECT MAX(id) AS m FROM ${table}`);
    this.#maxOrderEvent = max('order_events');
    this.#maxFill = max('fills');
    this.#lastOrderEvent = this.#maxOrderEvent.get()?.m ?? 0;
    this.#lastFill = this.#maxFill.get()?.m ?? 0;
    this.#lastBreakerEvent = max('breaker_events').get()?.m ?? 0;
    this.#tripped = ledger.breaker.isTripped();
    this.#orderEvents = db.prepare<[number], OrderEventRow>(`SELECT e.id, e.from_state AS fromState, e.to_state AS toState, e.reason, e.event,
      o.client_order_id AS clientOrderId, o.venue, o.instrument, o.strategy, o.side, o.mode, o.qty_e8 AS qtyE8, o.filled_qty_e8 AS filledE8
      FROM order_events e JOIN orders o ON o.id = e.order_id WHERE e.id > ? ORDER BY e.id`);
    this.#fills = db.prepare<[number], FillEventRow>(`SELECT f.id, o.client_order_id AS clientOrderId, f.venue, f.venue_fill_id AS venueFillId,
      f.instrument, f.side, f.qty_e8 AS qtyE8, f.price, f.fee_micros AS feeMicros, f.realized_micros AS realizedMicros, f.liquidity
      FROM fills f LEFT JOIN orders o ON o.id = f.order_id WHERE f.id > ? ORDER BY f.id`);
    this.#breakerEvents = db.prepare<[number], BreakerRow>(`SELECT id, action, reason, actor FROM breaker_events WHERE name = 'main' AND id > ? ORDER BY id`);
  }

  /** Announces every row appended since the last call; returns how many events went out. */
  poll(): number {
    return this.#orders() + this.#fillsSince() + this.#breaker();
  }

  /** With nobody listening (a backtest without server or alerts) a trail is skipped to its end: one cheap read, no join. */
  #listened(...events: ('order.updated' | 'order.unknown' | 'fill.applied')[]): boolean {
    return events.some((e) => this.#bus.listenerCount(e) > 0);
  }

  #orders(): number {
    if (!this.#listened('order.updated', 'order.unknown')) {
      this.#lastOrderEvent = this.#maxOrderEvent.get()?.m ?? this.#lastOrderEvent;
      return 0;
    }
    let n = 0;
    for (const r of this.#orderEvents.all(this.#lastOrderEvent)) {
      this.#lastOrderEvent = r.id;
      // A note (a reconciliation check, a retry) keeps the state: not an update.
      if (r.fromState === r.toState) continue;
      const reason = r.reason ?? (r.event === 'created' ? null : r.event);
      this.#bus.emit('order.updated', {
        clientOrderId: r.clientOrderId, venue: r.venue, instrument: r.instrument, strategy: r.strategy, side: r.side, mode: r.mode,
        fromState: r.fromState, state: r.toState, qty: e8ToQty(r.qtyE8), filledQty: e8ToQty(r.filledE8), reason,
      });
      if (r.toState === 'unknown') {
        this.#bus.emit('order.unknown', { clientOrderId: r.clientOrderId, venue: r.venue, instrument: r.instrument, reason: reason ?? 'no confirmation from the venue in time' });
      }
      n++;
    }
    return n;
  }

  #fillsSince(): number {
    if (!this.#listened('fill.applied')) {
      this.#lastFill = this.#maxFill.get()?.m ?? this.#lastFill;
      return 0;
    }
    let n = 0;
    for (const f of this.#fills.all(this.#lastFill)) {
      this.#lastFill = f.id;
      this.#bus.emit('fill.applied', {
        clientOrderId: f.clientOrderId, venue: f.venue, venueFillId: f.venueFillId, instrument: f.instrument, side: f.side,
        qty: e8ToQty(f.qtyE8), price: f.price, feeUsd: microsToUsd(f.feeMicros), realizedPnlUsd: microsToUsd(f.realizedMicros), liquidity: f.liquidity,
      });
      n++;
    }
    return n;
  }

  /** Trips and resets by anyone but the Breaker service (which announces its own): the order manager, a fault, `engine breaker`. */
  #breaker(): number {
    let n = 0;
    for (const b of this.#breakerEvents.all(this.#lastBreakerEvent)) {
      this.#lastBreakerEvent = b.id;
      if (b.action === 'trip' && !this.#tripped) {
        this.#tripped = true;
        if (SELF_ANNOUNCED_ACTOR.test(b.actor)) continue;
        this.#bus.emit('breaker.tripped', { reason: b.reason ?? 'no reason recorded', actor: b.actor });
        n++;
      } else if (b.action === 'reset' && this.#tripped) {
        this.#tripped = false;
        this.#bus.emit('breaker.reset', { actor: b.actor });
        n++;
      }
    }
    return n;
  }
}
