// WebSocket /api/events: the live stream of bus events (signals, decisions, orders, fills, reloads, assertions).
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../route-context.ts';

export function registerEventsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/events', { websocket: true }, (socket) => {
    // The stream is one-way: whatever a client sends is ignored (and capped by the server's maxPayload).
    ctx.events.add(socket);
  });
}
