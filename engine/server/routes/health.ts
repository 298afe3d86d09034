// GET /health: 200 with the checks when healthy, 503 naming every failed check otherwise (the watchdog polls it).
import type { FastifyInstance } from 'fastify';
import { liveHealth, type RouteContext } from '../route-context.ts';

export function registerHealthRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/health', async (_request, reply) => {
    const live = liveHealth(ctx);
    reply.header('cache-control', 'no-store');
    if (!live.ok) return reply.code(503).send({ status: 'unhealthy', reasons: [live.message] });
    const { report } = live;
    return reply.code(report.healthy ? 200 : 503).send({ status: report.healthy ? 'ok' : 'unhealthy', ...report });
  });
}
