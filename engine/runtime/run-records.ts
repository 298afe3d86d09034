// Read-only queries over the ledger for one run (its orders, fills, decisions, order events and equity marks), for its summary and exports.
import type Database from 'better-sqlite3';
import type { DecisionError, Mode, Outcome, Side, Violation } from '../types.ts';

/** Which run of which ledger: a ledger file may hold many runs of its mode. */
export interface RunKey {
  readonly db: Database.Database;
  readonly mode: Mode;
  readonly runId: string;
}

export interface RunFill {
  readonly id: number;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly qtyE8: number;
  readonly price: number;
  readonly feeMicros: number;
  readonly realizedMicros: number;
  readonly recordedAtMs: number;
}

export interface RunOrder {
  readonly id: number;
  readonly clientOrderId: string;
  readonly instrument: string;
  readonly side: Side;
  readonly strategy: string;
  readonly state: string;
  readonly createdAtMs: number;
}

export interface RunDecision {
  readonly id: number;
  readonly tsMs: number;
  readonly evaluatedAtMs: number;
  readonly appliesTo: string;
  readonly outcome: Outcome;
  readonly instrument: string | null;
  readonly strategy: string | null;
  readonly clientOrderId: string | null;
  readonly ruleSetVersion: string;
  readonly violations: readonly Violation[];
  readonly errors: readonly DecisionError[];
  /** facts_json as stored: parsed only by the readers that need it. */
  readonly factsJson: string;
}

export interface RunOrderEvent {
  readonly id: number;
  readonly tsMs: number;
  readonly clientOrderId: string;
  readonly instrument: string;
  readonly side: string;
  readonly strategy: string;
  readonly fromState: string | null;
  readonly toState: string;
  readonly event: string;
  readonly source: string;
  readonly reason: string | null;
  readonly payloadJson: string | null;
}

export interface RunMark {
  readonly tsMs: number;
  readonly equityMicros: number;
  readonly cashMicros: number;
  readonly positionsValueMicros: number;
}

export function runOrders(k: RunKey): RunOrder[] {
  return k.db.prepare<[string, string], RunOrder>(`SELECT id, client_order_id AS clientOrderId, instrument, side, strategy, state,
    created_at_ms AS createdAtMs FROM orders WHERE run_id = ? AND mode = ? ORDER BY id`).all(k.runId, k.mode);
}

export function runFills(k: RunKey): RunFill[] {
  return k.db.prepare<[string, string], RunFill>(`SELECT f.id, o.client_order_id AS clientOrderId, f.side, f.qty_e8 AS qtyE8, f.price,
    f.fee_micros AS feeMicros, f.realized_micros AS realizedMicros, f.recorded_at_ms AS recordedAtMs
    FROM fills f JOIN orders o ON o.id = f.order_id WHERE o.run_id = ? AND f.mode = ? ORDER BY f.id`).all(k.runId, k.mode);
}

interface DecisionRow extends Omit<RunDecision, 'violations' | 'errors'> {
  readonly violations: string;
  readonly errors: string;
}

export function runDecisions(k: RunKey): RunDecision[] {
  const rows = k.db.prepare<[string, string], DecisionRow>(`SELECT id, ts_ms AS tsMs, evaluated_at_ms AS evaluatedAtMs, applies_to AS appliesTo,
    outcome, instrument, strategy, client_order_id AS clientOrderId, rule_set_version AS ruleSetVersion,
    violations_json AS violations, errors_json AS errors, facts_json AS factsJson
    FROM decisions WHERE run_id = ? AND mode = ? ORDER BY id`).all(k.runId, k.mode);
  return rows.map((r) => ({ ...r, violations: JSON.parse(r.violations), errors: JSON.parse(r.errors) }));
}

export function runOrderEvents(k: RunKey): RunOrderEvent[] {
  return k.db.prepare<[string, string], RunOrderEvent>(`SELECT e.id, e.ts_ms AS tsMs, o.client_order_id AS clientOrderId, o.instrument,
    o.side, o.strategy, e.from_state AS fromState, e.to_state AS toState, e.event, e.source, e.reason, e.payload_json AS payloadJson
    FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.run_id = ? AND o.mode = ? ORDER BY e.id`).all(k.runId, k.mode);
}

/** The equity marks the session writes once per processed market event, oldest first. */
export function runMarks(k: RunKey): RunMark[] {
  return k.db.prepare<[string, string], RunMark>(`SELECT ts_ms AS tsMs, equity_micros AS equityMicros, cash_micros AS cashMicros,
    positions_value_micros AS positionsValueMicros FROM equity_snapshots
    WHERE kind = 'mark' AND run_id = ? AND mode = ? ORDER BY id`).all(k.runId, k.mode);
}

/** The time of the last market event the run processed (its last mark), or null before the first. */
export function lastMarkMs(k: RunKey): number | null {
  const row = k.db.prepare<[string, string], { ts: number | null }>(`SELECT MAX(ts_ms) AS ts FROM equity_snapshots
    WHERE kind = 'mark' AND run_id = ? AND mode = ?`).get(k.runId, k.mode);
  return row?.ts ?? null;
}

/**
 * A gate decision on an order that stopped it: every outcome but allow, except reduce_only on an
 * exit (the order manager lets an exit through when it only reduces).
 */
export function isRejection(d: Pick<RunDecision, 'appliesTo' | 'outcome' | 'factsJson'>): boolean {
  if (d.appliesTo !== 'entry' && d.appliesTo !== 'exit') return false;
  if (d.outcome === 'allow') return false;
  if (d.outcome === 'reduce_only') return (JSON.parse(d.factsJson) as Record<string, unknown>)['order.is_entry'] !== false;
  return true;
}

/** Fills booked for the run so far: cheap enough for a progress line. */
export function countRunFills(k: RunKey): number {
  const row = k.db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM fills f JOIN orders o ON o.id = f.order_id
    WHERE o.run_id = ? AND f.mode = ?`).get(k.runId, k.mode);
  return row?.n ?? 0;
}

/** The ledger's own totals for the whole account of its mode, to set beside what the venue counted. */
export function ledgerCounts(db: Database.Database, mode: Mode): { ledger_orders: number; ledger_orders_not_sent: number; ledger_fills: number } {
  const one = (sql: string) => db.prepare<[string], { n: number }>(sql).get(mode)?.n ?? 0;
  return {
    ledger_orders: one('SELECT COUNT(*) AS n FROM orders WHERE mode = ?'),
    // Dry-run records, and orders reconciliation proved the venue never had (lost between persisting and sending).
    ledger_orders_not_sent: one(`SELECT COUNT(*) AS n FROM orders o WHERE o.mode = ? AND EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id
      AND (e.event = 'dry_run_not_sent' OR (e.to_state = 'failed' AND e.reason = 'not_found')))`),
    ledger_fills: one('SELECT COUNT(*) AS n FROM fills WHERE mode = ?'),
  };
}
