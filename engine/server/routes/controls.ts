// GET /api/controls shows the runtime controls; POST changes them, behind the bearer token, recording who and when.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorName, OPERATOR_NAME } from '../auth.ts';
import { sendBadRequest, sendError } from '../replies.ts';
import type { RouteContext } from '../route-context.ts';

function controlsView(ctx: RouteContext) {
  return { controls: ctx.controls.current(), problems: ctx.controls.problems(), provenance: ctx.controls.provenance() };
}

/** The bearer check runs before the body is parsed: an unauthenticated caller learns nothing about the body rules. */
function authenticate(ctx: RouteContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = ctx.auth.verify(request.headers.authorization);
    if (result.ok) return;
    ctx.logger.warn({ event: 'http.unauthorized', failure: result.failure, route: 'POST /api/controls', remote: request.ip }, 'refused an unauthenticated controls change');
    reply.header('www-authenticate', 'Bearer realm="tradegate"');
    return sendError(reply, 401, 'HTTP_UNAUTHORIZED', result.message);
  };
}

function operatorOf(request: FastifyRequest): { readonly name?: string; readonly problem?: string } {
  const header = request.headers['x-operator'];
  if (header === undefined) return {};
  if (typeof header !== 'string' || !OPERATOR_NAME.test(header)) {
    return { problem: 'header X-Operator must be one name of 1 to 64 letters, digits, ".", "_", "@" or "-"' };
  }
  return { name: header };
}

export function registerControlsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/controls', async (_request, reply) => reply.header('cache-control', 'no-store').send(controlsView(ctx)));

  app.post('/api/controls', { onRequest: authenticate(ctx) }, async (request, reply) => {
    const operator = operatorOf(request);
    if (operator.problem !== undefined) return sendBadRequest(reply, [operator.problem]);
    const actor = actorName(operator.name, ctx.auth.fingerprint);
    const result = ctx.controls.change(request.body, actor);
    if (!result.ok) {
      ctx.logger.info({ event: 'http.controls_refused', changed_by: actor, problems: result.problems }, 'refused an invalid controls change');
      return sendError(reply, 400, 'CONTROLS_CHANGE_INVALID', `controls unchanged: ${result.problems.join('; ')}`, result.problems);
    }
    return reply.header('cache-control', 'no-store').send({ changed: result.changed, changedBy: actor, atMs: ctx.clock.now(), ...controlsView(ctx) });
  });
}
