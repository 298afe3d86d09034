// GET /api/orders: orders filtered by state, instrument, strategy and creation time; JSON or CSV.
import type { FastifyInstance } from 'fastify';
import type { OrderRecord } from '../../ledger/order-repository.ts';
import { ORDER_STATES } from '../../types.ts';
import { toCsv } from '../csv.ts';
import { ID_PATTERN, QueryReader } from '../query.ts';
import { sendBadRequest, sendCsv } from '../replies.ts';
import type { RouteContext } from '../route-context.ts';

export const ORDER_CSV_COLUMNS = [
  'id',
  'client_order_id',
  'created_at_ms',
  'created_at_utc',
  'state',
  'mode',
  'venue',
  'venue_order_id',
  'instrument',
  'strategy',
  'side',
  'order_type',
  'qty',
  'limit_price',
  'sent_price',
  'sent_qty',
  'sent_notional_usd',
  'filled_qty',
  'fees_usd',
  'submitted_at_ms',
  'updated_at_ms',
  'run_id',
] as const;

function orderRow(o: OrderRecord): unknown[] {
  return [
    o.id,
    o.clientOrderId,
    o.createdAtMs,
    new Date(o.createdAtMs).toISOString(),
    o.state,
    o.mode,
    o.venue,
    o.venueOrderId,
    o.instrument,
    o.strategy,
    o.side,
    o.orderType,
    o.qty,
    o.limitPrice,
    o.sentPrice,
    o.sentQty,
    o.sentNotionalUsd,
    o.filledQty,
    o.feesUsd,
    o.submittedAtMs,
    o.updatedAtMs,
    o.runId,
  ];
}

export function registerOrdersRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/orders', async (request, reply) => {
    const q = new QueryReader(request.query, ['state', 'instrument', 'strategy', 'from', 'to', 'limit', 'format']);
    const states = q.listOf('state', ORDER_STATES);
    const instrument = q.text('instrument', ID_PATTERN);
    const strategy = q.text('strategy', ID_PATTERN);
    const { fromMs, toMs } = q.timeRange();
    const limit = q.limit();
    const format = q.format();
    if (q.problems.length > 0) return sendBadRequest(reply, q.problems);
    const matching = ctx.ledger.orders
      .inStates(states ?? ORDER_STATES)
      .filter(
        (o) =>
          (instrument === undefined || o.instrument === instrument) &&
          (strategy === undefined || o.strategy === strategy) &&
          (fromMs === undefined || o.createdAtMs >= fromMs) &&
          (toMs === undefined || o.createdAtMs < toMs),
      );
    const orders = matching.slice(0, limit);
    const truncated = matching.length > orders.length;
    if (format === 'csv') return sendCsv(reply.header('x-tradegate-truncated', String(truncated)), 'orders.csv', toCsv(ORDER_CSV_COLUMNS, orders.map(orderRow)));
    return reply.header('cache-control', 'no-store').send({ orders, truncated });
  });
}
