// GET /api/positions: open positions (or every position row with ?all=true), in instrument units and USD.
import type { FastifyInstance } from 'fastify';
import { positionView } from '../../ledger/ledger.ts';
import { QueryReader } from '../query.ts';
import { sendBadRequest } from '../replies.ts';
import type { RouteContext } from '../route-context.ts';

export function registerPositionsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/positions', async (request, reply) => {
    const q = new QueryReader(request.query, ['all']);
    const all = q.oneOf('all', ['true', 'false'] as const) === 'true';
    if (q.problems.length > 0) return sendBadRequest(reply, q.problems);
    const positions = all ? ctx.ledger.positions.all().map(positionView) : ctx.ledger.openPositions();
    return reply.header('cache-control', 'no-store').send({ positions });
  });
}
