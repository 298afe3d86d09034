// audit.jsonl: every gate decision and every order event of a run, one JSON object per line in time order, from the ledger.
import { type RunDecision, type RunKey, type RunOrderEvent, runDecisions, runOrderEvents } from './run-records.ts';

interface Line {
  readonly tsMs: number;
  /** Decisions before order events at the same ms (a decision precedes the order it allowed), then by row id. */
  readonly rank: number;
  readonly id: number;
  readonly json: string;
}

function decisionLine(d: RunDecision): Line {
  const record = {
    ts_ms: d.tsMs,
    ts: new Date(d.tsMs).toISOString(),
    kind: 'decision',
    decision_id: d.id,
    applies_to: d.appliesTo,
    outcome: d.outcome,
    instrument: d.instrument,
    strategy: d.strategy,
    client_order_id: d.clientOrderId,
    rule_set_version: d.ruleSetVersion,
    rules_fired: d.violations.map((v) => ({ rule_id: v.ruleId, action: v.action, message: v.message, facts: v.facts })),
    errors: d.errors,
    // Every fact the gate saw: price, signal, position, balance, activity, controls, feed and time.
    facts: JSON.parse(d.factsJson) as unknown,
  };
  return { tsMs: d.tsMs, rank: 0, id: d.id, json: JSON.stringify(record) };
}

function orderEventLine(e: RunOrderEvent): Line {
  const record = {
    ts_ms: e.tsMs,
    ts: new Date(e.tsMs).toISOString(),
    kind: 'order_event',
    event_id: e.id,
    client_order_id: e.clientOrderId,
    instrument: e.instrument,
    side: e.side,
    strategy: e.strategy,
    from: e.fromState,
    to: e.toState,
    event: e.event,
    source: e.source,
    reason: e.reason,
    payload: e.payloadJson === null ? null : (JSON.parse(e.payloadJson) as unknown),
  };
  return { tsMs: e.tsMs, rank: 1, id: e.id, json: JSON.stringify(record) };
}

/** Timestamps are market time in ms (the session clock): the same run replayed gives the same trail. */
export function auditJsonl(key: RunKey): string {
  const lines = [...runDecisions(key).map(decisionLine), ...runOrderEvents(key).map(orderEventLine)];
  lines.sort((a, b) => a.tsMs - b.tsMs || a.rank - b.rank || a.id - b.id);
  return lines.map((l) => `${l.json}\n`).join('');
}
