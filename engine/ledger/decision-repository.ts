// The audit trail of gate decisions: append-only, with the violations, rule set version and fact values each one saw.
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Decision, DecisionContext, DecisionError, Outcome, Violation } from '../types.ts';

export interface DecisionExtras {
  /** Every fact value the gate saw, keyed by dotted path. */
  readonly facts: Readonly<Record<string, unknown>>;
  readonly clientOrderId?: string | null;
  readonly runId?: string | null;
}

export interface DecisionRecord {
  readonly id: number;
  readonly tsMs: number;
  readonly evaluatedAtMs: number;
  readonly context: DecisionContext;
  readonly outcome: Outcome;
  readonly violations: readonly Violation[];
  readonly errors: readonly DecisionError[];
  readonly ruleSetVersion: string;
  readonly facts: Readonly<Record<string, unknown>>;
  readonly clientOrderId: string | null;
  readonly runId: string | null;
}

interface Row {
  id: number;
  tsMs: number;
  evaluatedAtMs: number;
  context: string;
  outcome: Outcome;
  violations: string;
  errors: string;
  ruleSetVersion: string;
  facts: string;
  clientOrderId: string | null;
  runId: string | null;
}

export interface DecisionQuery {
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly instrument?: string;
  readonly limit?: number;
}

function toRecord(r: Row): DecisionRecord {
  return {
    ...r,
    context: JSON.parse(r.context),
    violations: JSON.parse(r.violations),
    errors: JSON.parse(r.errors),
    facts: JSON.parse(r.facts),
  };
}

/**
 * JSON has no NaN or Infinity: JSON.stringify writes null, and the trail would show "null" for the very
 * value the gate refused (FACT_NOT_FINITE), indistinguishable from a fact that was null. Kept as strings.
 */
function auditJson(value: unknown): string {
  const plain = JSON.stringify(value);
  // A replacer makes stringify several times slower on every decision: only a text with a null in it can hide one.
  return plain.includes('null') ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) : plain;
}

export class DecisionRepository {
  readonly #clock: Clock;
  readonly #insert;
  readonly #get;
  readonly #query;

  constructor(db: Database.Database, clock: Clock) {
    this.#clock = clock;
    this.#insert = db.prepare(`INSERT INTO decisions (ts_ms, evaluated_at_ms, mode, applies_to, venue, instrument, strategy,
      client_order_id, outcome, violations_json, errors_json, rule_set_version, facts_json, context_json, run_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const cols = `id, ts_ms AS tsMs, evaluated_at_ms AS evaluatedAtMs, context_json AS context, outcome,
      violations_json AS violations, errors_json AS errors, rule_set_version AS ruleSetVersion, facts_json AS facts,
      client_order_id AS clientOrderId, run_id AS runId`;
    this.#get = db.prepare<[number], Row>(`SELECT ${cols} FROM decisions WHERE id = ?`);
    this.#query = db.prepare<{ since: number; until: number; instrument: string | null; limit: number }, Row>(
      `SELECT ${cols} FROM decisions WHERE ts_ms >= @since AND ts_ms < @until
       AND (@instrument IS NULL OR instrument = @instrument) ORDER BY id LIMIT @limit`,
    );
  }

  /** Appends a decision and returns its id. */
  record(d: Decision, extras: DecisionExtras): number {
    const c = d.context;
    const info = this.#insert.run(this.#clock.now(), d.evaluatedAt, c.mode, c.appliesTo, c.venue ?? null,
      c.instrument ?? null, c.strategy ?? null, extras.clientOrderId ?? null, d.outcome, auditJson(d.violations),
      auditJson(d.errors), d.ruleSetVersion, auditJson(extras.facts), auditJson(c), extras.runId ?? null);
    return Number(info.lastInsertRowid);
  }

  get(id: number): DecisionRecord | undefined {
    const row = this.#get.get(id);
    return row ? toRecord(row) : undefined;
  }

  list(q: DecisionQuery = {}): DecisionRecord[] {
    return this.#query
      .all({
        since: q.sinceMs ?? Number.MIN_SAFE_INTEGER,
        until: q.untilMs ?? Number.MAX_SAFE_INTEGER,
        instrument: q.instrument ?? null,
        limit: q.limit ?? 1000,
      })
      .map(toRecord);
  }
}
