// Read-only queries for trade reports: every fill of a ledger mode with its order, and the signal facts the gate saw for each order.
import type Database from 'better-sqlite3';
import type { Mode, Outcome } from '../types.ts';
import { type AttributionFill, declaredEdgeBps, type OrderReference } from './attribution.ts';
import { isRejection } from './run-records.ts';

export interface ReportFill extends AttributionFill {
  readonly liquidity: 'maker' | 'taker';
}

/** Every fill of the mode, oldest first: FIFO lots span runs, so a trade may open in one run and close in the next. */
export function modeFills(db: Database.Database, mode: Mode): ReportFill[] {
  return db.prepare<[string], ReportFill>(`SELECT f.id, o.client_order_id AS clientOrderId, o.strategy, o.run_id AS runId, f.instrument,
    f.leg, f.side, f.qty_e8 AS qtyE8, f.price, f.fee_micros AS feeMicros, f.realized_micros AS realizedMicros, f.recorded_at_ms AS tsMs,
    f.liquidity FROM fills f LEFT JOIN orders o ON o.id = f.order_id WHERE f.mode = ? ORDER BY f.id`).all(mode);
}

interface DecisionFactsRow {
  readonly clientOrderId: string;
  readonly appliesTo: string;
  readonly outcome: Outcome;
  readonly factsJson: string;
}

/**
 * For each order, the facts of the last decision that let it through (a refused attempt before it saw
 * other prices); an order with only refusals (never sent) keeps its last decision.
 */
export function orderReferences(db: Database.Database, mode: Mode, clientOrderIds: ReadonlySet<string>): Map<string, OrderReference> {
  const rows = db.prepare<[string], DecisionFactsRow>(`SELECT client_order_id AS clientOrderId, applies_to AS appliesTo, outcome,
    facts_json AS factsJson FROM decisions WHERE mode = ? AND client_order_id IS NOT NULL AND applies_to IN ('entry', 'exit') ORDER BY id`).all(mode);
  const chosen = new Map<string, { row: DecisionFactsRow; allowed: boolean }>();
  for (const row of rows) {
    if (!clientOrderIds.has(row.clientOrderId)) continue;
    const allowed = !isRejection({ appliesTo: row.appliesTo, outcome: row.outcome, factsJson: row.factsJson });
    const held = chosen.get(row.clientOrderId);
    if (!held || allowed || !held.allowed) chosen.set(row.clientOrderId, { row, allowed });
  }
  const refs = new Map<string, OrderReference>();
  for (const [id, { row }] of chosen) {
    const facts = JSON.parse(row.factsJson) as Record<string, unknown>;
    const signal = facts['market.signal_price'];
    refs.set(id, {
      signalPrice: typeof signal === 'number' && Number.isFinite(signal) && signal > 0 ? signal : null,
      edgeBps: row.appliesTo === 'entry' ? declaredEdgeBps(facts) : null,
    });
  }
  return refs;
}
