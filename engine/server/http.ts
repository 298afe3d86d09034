// The engine's HTTP server (fastify): health, metrics, the read API, the events socket and the controls endpoint, on 127.0.0.1 by default.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { HEALTH_DEFAULTS, type HealthThresholds } from '../observe/health.ts';
import { API_TOKEN_ENV, tokenCheck } from './auth.ts';
import { EventStream } from './event-stream.ts';
import { hostAllowed, originAllowed } from './host-guard.ts';
import { sendError } from './replies.ts';
import { parseStrictJson } from './strict-json.ts';
import type { RouteContext, ServerDeps } from './route-context.ts';
import { registerControlsRoutes } from './routes/controls.ts';
import { registerDecisionsRoute } from './routes/decisions.ts';
import { registerEventsRoute } from './routes/events.ts';
import { registerHealthRoute } from './routes/health.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerOrdersRoute } from './routes/orders.ts';
import { registerPositionsRoute } from './routes/positions.ts';
import { registerStateRoute } from './routes/state.ts';

export interface HttpServerOptions {
  /** Default 127.0.0.1: the API is for the operator's machine; anything wider is a deliberate choice. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port (tests). */
  readonly port?: number;
  readonly health?: Partial<HealthThresholds>;
  readonly maxEventBufferedBytes?: number;
  readonly maxEventClients?: number;
  readonly bodyLimitBytes?: number;
}

export const HTTP_DEFAULTS = { host: '127.0.0.1', port: 8787, bodyLimitBytes: 16 * 1024 } as const;

export interface HttpServer {
  readonly app: FastifyInstance;
  readonly events: EventStream;
  /** Listens; resolves with the base URL (`http://127.0.0.1:PORT`). */
  start(): Promise<string>;
  /** Closes the event stream and the listener; waits for in-flight requests. */
  stop(): Promise<void>;
}

function handleError(ctx: RouteContext) {
  return (error: FastifyError, request: { method: string; url: string }, reply: Parameters<typeof sendError>[0]) => {
    const status = error.statusCode ?? 500;
    if (status === 415) return sendError(reply, 415, 'HTTP_BAD_REQUEST', 'send the body as JSON with Content-Type: application/json');
    if (status >= 400 && status < 500) return sendError(reply, status, 'HTTP_BAD_REQUEST', error.message);
    ctx.logger.error({ event: 'http.error', method: request.method, path: request.url.split('?')[0], err: error.message }, 'request failed');
    return sendError(reply, 500, 'INTERNAL', 'internal error; see the engine log');
  };
}

function addGuards(app: FastifyInstance, ctx: RouteContext, host: string): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!hostAllowed(host, request.headers.host)) {
      return sendError(reply, 403, 'HTTP_HOST_REFUSED', 'this server answers only requests addressed to a loopback host');
    }
    if (!originAllowed(host, request.headers.origin)) {
      return sendError(reply, 403, 'HTTP_HOST_REFUSED', 'this server answers only pages served from a loopback host');
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    // The path only: no header, body or query string ever reaches the log from here.
    ctx.logger.debug(
      { event: 'http.request', method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'http request',
    );
  });
  // JSON only, and strict: a text/plain body would reach the validator as a string, a repeated key would vanish.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const parsed = parseStrictJson(String(body));
    if (parsed.ok) return done(null, parsed.value);
    done(Object.assign(new Error(parsed.message), { statusCode: 400 }), undefined);
  });
  app.setErrorHandler(handleError(ctx));
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
}

const ROUTES: readonly ((app: FastifyInstance, ctx: RouteContext) => void)[] = [
  registerHealthRoute,
  registerMetricsRoute,
  registerStateRoute,
  registerPositionsRoute,
  registerOrdersRoute,
  registerDecisionsRoute,
  registerEventsRoute,
  registerControlsRoutes,
];

function eventStream(deps: ServerDeps, options: HttpServerOptions, logger: ServerDeps['logger']): EventStream {
  return new EventStream({
    bus: deps.bus,
    clock: deps.clock,
    logger,
    onDrop: () => deps.metrics.eventClientsDroppedTotal.inc(),
    ...(options.maxEventBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxEventBufferedBytes }),
    ...(options.maxEventClients === undefined ? {} : { maxClients: options.maxEventClients }),
  });
}

/** Builds the server; nothing listens until start(). The API token is read here, once. */
export function createHttpServer(deps: ServerDeps, options: HttpServerOptions = {}): HttpServer {
  const host = options.host ?? HTTP_DEFAULTS.host;
  const port = options.port ?? HTTP_DEFAULTS.port;
  const logger = deps.logger.child({ component: 'http' });
  const auth = tokenCheck(deps.env ?? process.env);
  const events = eventStream(deps, options, logger);
  const ctx: RouteContext = { ...deps, logger, auth, events, health: { ...HEALTH_DEFAULTS, ...options.health } };
  const app = Fastify({
    // Typed as fastify's base logger so routes see one FastifyInstance type; it is the same pino child.
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? HTTP_DEFAULTS.bodyLimitBytes,
    forceCloseConnections: true,
  });
  let url: string | undefined;
  return {
    app,
    events,
    async start() {
      await app.register(websocket, { options: { maxPayload: 4096 } });
      addGuards(app, ctx, host);
      for (const register of ROUTES) register(app, ctx);
      url = await app.listen({ host, port });
      logger.info(
        { event: 'http.listening', url, controls_api: auth.enabled ? 'enabled' : `disabled (${auth.disabledReason})`, token_env: API_TOKEN_ENV },
        'http server listening',
      );
      return url;
    },
    async stop() {
      events.close();
      await app.close();
      if (url !== undefined) logger.info({ event: 'http.stopped', url }, 'http server stopped');
    },
  };
}
