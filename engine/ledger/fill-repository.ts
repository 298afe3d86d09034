// Fills as the venue reported them: append-only, unique per venue fill id so that none is counted twice.
import type Database from 'better-sqlite3';
import type { Mode, Side } from '../types.ts';
import type { Leg } from './legs.ts';
import { e8ToQty, type Micros, microsToUsd, type QtyE8 } from './money.ts';

export type Liquidity = 'maker' | 'taker';

export interface FillRow {
  readonly venue: string;
  readonly venueFillId: string;
  readonly orderId: number | null;
  readonly instrument: string;
  readonly leg: Leg;
  readonly side: Side;
  readonly qtyE8: QtyE8;
  readonly price: number;
  readonly notionalMicros: Micros;
  readonly feeMicros: Micros;
  readonly liquidity: Liquidity;
  readonly realizedMicros: Micros;
  readonly venueTsMs: number;
  readonly recordedAtMs: number;
}

export interface FillRecord {
  readonly id: number;
  readonly venue: string;
  readonly venueFillId: string;
  readonly orderId: number | null;
  readonly mode: Mode;
  readonly instrument: string;
  readonly leg: Leg;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly notionalUsd: number;
  readonly feeUsd: number;
  readonly liquidity: Liquidity;
  readonly realizedPnlUsd: number;
  readonly venueTsMs: number;
  readonly recordedAtMs: number;
}

interface Row {
  id: number;
  venue: string;
  venue_fill_id: string;
  order_id: number | null;
  mode: Mode;
  instrument: string;
  leg: Leg;
  side: Side;
  qty_e8: number;
  price: number;
  notional_micros: number;
  fee_micros: number;
  liquidity: Liquidity;
  realized_micros: number;
  venue_ts_ms: number;
  recorded_at_ms: number;
}

function toRecord(r: Row): FillRecord {
  return {
    id: r.id,
    venue: r.venue,
    venueFillId: r.venue_fill_id,
    orderId: r.order_id,
    mode: r.mode,
    instrument: r.instrument,
    leg: r.leg,
    side: r.side,
    qty: e8ToQty(r.qty_e8),
    price: r.price,
    notionalUsd: microsToUsd(r.notional_micros),
    feeUsd: microsToUsd(r.fee_micros),
    liquidity: r.liquidity,
    realizedPnlUsd: microsToUsd(r.realized_micros),
    venueTsMs: r.venue_ts_ms,
    recordedAtMs: r.recorded_at_ms,
  };
}

export class FillRepository {
  readonly #mode: Mode;
  readonly #insert;
  readonly #byVenueId;
  readonly #byOrder;
  readonly #count;
  readonly #all;

  constructor(db: Database.Database, mode: Mode) {
    this.#mode = mode;
    this.#insert = db.prepare(`INSERT INTO fills (venue, venue_fill_id, order_id, mode, instrument, leg, side, qty_e8, price,
      notional_micros, fee_micros, liquidity, realized_micros, venue_ts_ms, recorded_at_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (venue, venue_fill_id) DO NOTHING`);
    this.#byVenueId = db.prepare<[string, string], Row>('SELECT * FROM fills WHERE venue = ? AND venue_fill_id = ?');
    this.#byOrder = db.prepare<[number], Row>('SELECT * FROM fills WHERE order_id = ? ORDER BY id');
    this.#count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM fills');
    this.#all = db.prepare<[], Row>('SELECT * FROM fills ORDER BY id');
  }

  /** Returns the new row id, or null when this venue fill id is already in the ledger. */
  insert(f: FillRow): number | null {
    const info = this.#insert.run(f.venue, f.venueFillId, f.orderId, this.#mode, f.instrument, f.leg, f.side, f.qtyE8, f.price,
      f.notionalMicros, f.feeMicros, f.liquidity, f.realizedMicros, f.venueTsMs, f.recordedAtMs);
    return info.changes === 1 ? Number(info.lastInsertRowid) : null;
  }

  byVenueFillId(venue: string, venueFillId: string): FillRecord | undefined {
    const row = this.#byVenueId.get(venue, venueFillId);
    return row ? toRecord(row) : undefined;
  }

  forOrder(orderId: number): FillRecord[] {
    return this.#byOrder.all(orderId).map(toRecord);
  }

  count(): number {
    return this.#count.get()?.n ?? 0;
  }

  all(): FillRecord[] {
    return this.#all.all().map(toRecord);
  }
}
