// GET /metrics: the Prometheus text of this engine's registry, gauges refreshed from the live status at each scrape.
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../route-context.ts';

export function registerMetricsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/metrics', async (_request, reply) => {
    try {
      ctx.metrics.observeStatus(ctx.status.status(), {
        nowMs: ctx.clock.now(),
        breakerTripped: ctx.ledger.breaker.isTripped(),
        killLevel: ctx.controls.current().killLevel,
      });
    } catch (error) {
      // The event counters are still worth scraping; the stale gauges are the symptom the scraper sees.
      ctx.logger.warn({ event: 'http.metrics_status_failed', err: (error as Error).message }, 'metrics served without a fresh status');
    }
    const text = await ctx.metrics.render();
    return reply.code(200).header('content-type', ctx.metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
