// GET /api/decisions: the audit trail by time range, fired rule, instrument and outcome; JSON or CSV export.
import type { FastifyInstance } from 'fastify';
import type { DecisionRecord } from '../../ledger/decision-repository.ts';
import { ACTIONS, type Outcome } from '../../types.ts';
import { toCsv } from '../csv.ts';
import { ID_PATTERN, QueryReader } from '../query.ts';
import { sendBadRequest, sendCsv } from '../replies.ts';
import type { RouteContext } from '../route-context.ts';

/**
 * The decision repository filters by time and instrument only; rule and outcome filters are applied here
 * over at most this many rows of the time range, and the answer says when that cap cut the scan short.
 */
export const DECISION_SCAN_LIMIT = 20_000;

const OUTCOMES: readonly Outcome[] = ['allow', ...ACTIONS];

export const DECISION_CSV_COLUMNS = [
  'id',
  'ts_ms',
  'ts_utc',
  'outcome',
  'mode',
  'applies_to',
  'venue',
  'instrument',
  'strategy',
  'client_order_id',
  'rule_ids',
  'messages',
  'errors',
  'rule_set_version',
  'run_id',
  'facts',
] as const;

function decisionRow(d: DecisionRecord): unknown[] {
  const c = d.context;
  return [
    d.id,
    d.tsMs,
    new Date(d.tsMs).toISOString(),
    d.outcome,
    c.mode,
    c.appliesTo,
    c.venue ?? null,
    c.instrument ?? null,
    c.strategy ?? null,
    d.clientOrderId,
    d.violations.map((v) => v.ruleId).join(';'),
    d.violations.map((v) => v.message).join(' | '),
    d.errors.map((e) => `${e.code}: ${e.message}`).join(' | '),
    d.ruleSetVersion,
    d.runId,
    d.facts,
  ];
}

export function registerDecisionsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/decisions', async (request, reply) => {
    const q = new QueryReader(request.query, ['from', 'to', 'rule', 'instrument', 'outcome', 'limit', 'format']);
    const { fromMs, toMs } = q.timeRange();
    const rule = q.text('rule', ID_PATTERN);
    const instrument = q.text('instrument', ID_PATTERN);
    const outcome = q.oneOf('outcome', OUTCOMES);
    const limit = q.limit();
    const format = q.format();
    if (q.problems.length > 0) return sendBadRequest(reply, q.problems);
    const filtered = rule !== undefined || outcome !== undefined;
    const scanned = ctx.ledger.decisions.list({
      ...(fromMs === undefined ? {} : { sinceMs: fromMs }),
      ...(toMs === undefined ? {} : { untilMs: toMs }),
      ...(instrument === undefined ? {} : { instrument }),
      limit: filtered ? DECISION_SCAN_LIMIT : limit + 1,
    });
    const matching = scanned.filter(
      (d) => (rule === undefined || d.violations.some((v) => v.ruleId === rule)) && (outcome === undefined || d.outcome === outcome),
    );
    const decisions = matching.slice(0, limit);
    const truncated = matching.length > limit || (filtered && scanned.length >= DECISION_SCAN_LIMIT);
    if (format === 'csv') {
      return sendCsv(reply.header('x-tradegate-truncated', String(truncated)), 'decisions.csv', toCsv(DECISION_CSV_COLUMNS, decisions.map(decisionRow)));
    }
    return reply.header('cache-control', 'no-store').send({ decisions, truncated });
  });
}
