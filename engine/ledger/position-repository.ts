// FIFO lots and the positions they add up to, one position row per mode, instrument and leg.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Mode } from '../types.ts';
import type { FillPlan, LotSide, OpenLot } from './accounting.ts';
import type { Leg } from './legs.ts';
import type { Micros, QtyE8 } from './money.ts';

export interface PositionRecord {
  readonly mode: Mode;
  readonly instrument: string;
  readonly leg: Leg;
  /** Signed: short < 0. */
  readonly qtyE8: QtyE8;
  /** Signed cost of the open lots: paid (> 0) for a long, received (< 0) for a short. */
  readonly costMicros: Micros;
  readonly realizedMicros: Micros;
  readonly feesMicros: Micros;
  readonly fundingMicros: Micros;
  readonly openedAtMs: number | null;
  readonly peakPrice: number | null;
  readonly peakPnlFraction: number | null;
  readonly updatedAtMs: number;
}

export interface LotRecord extends OpenLot {
  readonly price: number;
  readonly openedAtMs: number;
}

interface PositionRow {
  mode: Mode;
  instrument: string;
  leg: Leg;
  qty_e8: number;
  cost_micros: number;
  realized_micros: number;
  fees_micros: number;
  funding_micros: number;
  opened_at_ms: number | null;
  peak_price: number | null;
  peak_pnl_fraction: number | null;
  updated_at_ms: number;
}

function toRecord(r: PositionRow): PositionRecord {
  return {
    mode: r.mode,
    instrument: r.instrument,
    leg: r.leg,
    qtyE8: r.qty_e8,
    costMicros: r.cost_micros,
    realizedMicros: r.realized_micros,
    feesMicros: r.fees_micros,
    fundingMicros: r.funding_micros,
    openedAtMs: r.opened_at_ms,
    peakPrice: r.peak_price,
    peakPnlFraction: r.peak_pnl_fraction,
    updatedAtMs: r.updated_at_ms,
  };
}

/** The position a peak was computed for: its quantity, cost and opening time identify it as it was marked. */
export type PeakTarget = Pick<PositionRecord, 'instrument' | 'leg' | 'qtyE8' | 'costMicros' | 'openedAtMs'>;

export interface LotTarget {
  readonly instrument: string;
  readonly leg: Leg;
  readonly fillId: number | null;
  readonly price: number;
}

export class PositionRepository {
  readonly #mode: Mode;
  readonly #clock: Clock;
  readonly #openLots;
  readonly #updateLot;
  readonly #insertLot;
  readonly #get;
  readonly #upsert;
  readonly #open;
  readonly #all;
  readonly #peak;

  constructor(db: Database.Database, clock: Clock, mode: Mode) {
    this.#mode = mode;
    this.#clock = clock;
    this.#openLots = db.prepare<[string, string, string], { id: number; side: LotSide; qtyE8: number; costMicros: number; price: number; openedAtMs: number }>(
      `SELECT id, side, remaining_qty_e8 AS qtyE8, remaining_cost_micros AS costMicros, price, opened_at_ms AS openedAtMs
       FROM lots WHERE mode = ? AND instrument = ? AND leg = ? AND remaining_qty_e8 > 0 ORDER BY id`,
    );
    this.#updateLot = db.prepare(`UPDATE lots SET remaining_qty_e8 = ?, remaining_cost_micros = ?,
      closed_at_ms = CASE WHEN ? = 0 THEN ? ELSE NULL END WHERE id = ?`);
    this.#insertLot = db.prepare(`INSERT INTO lots (mode, instrument, leg, side, fill_id, price, opened_qty_e8, remaining_qty_e8,
      remaining_cost_micros, opened_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#get = db.prepare<[string, string, string], PositionRow>('SELECT * FROM positions WHERE mode = ? AND instrument = ? AND leg = ?');
    this.#upsert = db.prepare(`INSERT INTO positions (mode, instrument, leg, qty_e8, cost_micros, realized_micros, fees_micros,
      funding_micros, opened_at_ms, peak_price, peak_pnl_fraction, updated_at_ms)
      VALUES (@mode, @instrument, @leg, @qtyE8, @costMicros, @realizedMicros, @feesMicros, @fundingMicros, @openedAtMs,
      @peakPrice, @peakPnlFraction, @updatedAtMs)
      ON CONFLICT (mode, instrument, leg) DO UPDATE SET qty_e8 = excluded.qty_e8, cost_micros = excluded.cost_micros,
      realized_micros = excluded.realized_micros, fees_micros = excluded.fees_micros, funding_micros = excluded.funding_micros,
      opened_at_ms = excluded.opened_at_ms, peak_price = excluded.peak_price, peak_pnl_fraction = excluded.peak_pnl_fraction,
      updated_at_ms = excluded.updated_at_ms`);
    this.#open = db.prepare<[string], PositionRow>('SELECT * FROM positions WHERE mode = ? AND qty_e8 != 0 ORDER BY instrument, leg');
    this.#all = db.prepare<[string], PositionRow>('SELECT * FROM positions WHERE mode = ? ORDER BY instrument, leg');
    // Only ever in the favourable direction, and only on the position that was marked (same quantity, cost and opening
    // time): one changed since keeps its own peaks, so a late write can neither lower a peak nor carry one over to a new
    // position. (A position closed and reopened at the same price within one millisecond looks the same; no caller
    // books a fill between observing and recording, so that is a backstop, not the guarantee.)
    this.#peak = db.prepare(`UPDATE positions SET
      peak_price = CASE WHEN qty_e8 < 0 THEN MIN(COALESCE(peak_price, @price), @price) ELSE MAX(COALESCE(peak_price, @price), @price) END,
      peak_pnl_fraction = MAX(COALESCE(peak_pnl_fraction, @fraction), @fraction), updated_at_ms = @now
      WHERE mode = @mode AND instrument = @instrument AND leg = @leg AND qty_e8 = @qtyE8 AND cost_micros = @costMicros
      AND opened_at_ms IS @openedAtMs`);
  }

  /** Open lots of one position, oldest first: the FIFO queue. */
  openLots(instrument: string, leg: Leg): LotRecord[] {
    return this.#openLots.all(this.#mode, instrument, leg);
  }

  /** Writes what a fill plan did to the lots (call inside the fill transaction). */
  applyPlan(plan: FillPlan, target: LotTarget): void {
    const now = this.#clock.now();
    for (const c of plan.closes) this.#updateLot.run(c.remainingQtyE8, c.remainingCostMicros, c.remainingQtyE8, now, c.lotId);
    if (plan.opened) {
      const o = plan.opened;
      this.#insertLot.run(this.#mode, target.instrument, target.leg, o.side, target.fillId, target.price, o.qtyE8, o.qtyE8,
        o.costMicros, now);
    }
  }

  get(instrument: string, leg: Leg): PositionRecord | undefined {
    const row = this.#get.get(this.#mode, instrument, leg);
    return row ? toRecord(row) : undefined;
  }

  /** A flat, never-traded position: the starting point of the first fill. */
  empty(instrument: string, leg: Leg): PositionRecord {
    return {
      mode: this.#mode, instrument, leg, qtyE8: 0, costMicros: 0, realizedMicros: 0, feesMicros: 0, fundingMicros: 0,
      openedAtMs: null, peakPrice: null, peakPnlFraction: null, updatedAtMs: this.#clock.now(),
    };
  }

  save(p: PositionRecord): void {
    this.#upsert.run({ ...p, mode: this.#mode, updatedAtMs: this.#clock.now() });
  }

  open(): PositionRecord[] {
    return this.#open.all(this.#mode).map(toRecord);
  }

  all(): PositionRecord[] {
    return this.#all.all(this.#mode).map(toRecord);
  }

  /** Keeps the most favourable price and PnL fraction since entry of the position as it was marked, for trailing exits. */
  raisePeak(p: PeakTarget, peakPrice: number, peakPnlFraction: number): void {
    this.#peak.run({ price: peakPrice, fraction: peakPnlFraction, now: this.#clock.now(), mode: this.#mode, instrument: p.instrument,
      leg: p.leg, qtyE8: p.qtyE8, costMicros: p.costMicros, openedAtMs: p.openedAtMs });
  }
}
