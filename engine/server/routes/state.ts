// GET /api/state: the status bar in one read (mode, money, heartbeat, breaker, controls, feeds, assertions, health).
import type { FastifyInstance } from 'fastify';
import { sendError } from '../replies.ts';
import { liveHealth, type RouteContext } from '../route-context.ts';

export function registerStateRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/state', async (_request, reply) => {
    let status: ReturnType<RouteContext['status']['status']>;
    try {
      status = ctx.status.status();
    } catch (error) {
      return sendError(reply, 503, 'INTERNAL', `engine status unavailable: ${(error as Error).message}`);
    }
    const live = liveHealth(ctx);
    const breaker = ctx.ledger.breaker.state();
    return reply.header('cache-control', 'no-store').send({
      nowMs: ctx.clock.now(),
      ...status,
      openPositions: ctx.ledger.openPositions().length,
      breaker,
      controls: ctx.controls.current(),
      controlsProblems: ctx.controls.problems(),
      health: live.ok ? { healthy: live.report.healthy, reasons: live.report.reasons } : { healthy: false, reasons: [live.message] },
    });
  });
}
