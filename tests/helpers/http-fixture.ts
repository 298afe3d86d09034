// A real engine HTTP server for tests: fastify on 127.0.0.1 port 0 over a temp SQLite ledger, a mutable status and captured logs.
import { EventBus } from '../../engine/bus.ts';
import type { Ledger } from '../../engine/ledger/ledger.ts';
import type { EngineStatus } from '../../engine/observe/engine-status.ts';
import { LogCapture } from '../../engine/observe/log-capture.ts';
import { createLogger } from '../../engine/observe/logger.ts';
import { EngineMetrics } from '../../engine/observe/metrics.ts';
import { wireMetrics } from '../../engine/observe/metrics-wiring.ts';
import { ControlsService, type RuntimeControls } from '../../engine/runtime/controls.ts';
import { createHttpServer, type HttpServer, type HttpServerOptions } from '../../engine/server/http.ts';
import type { Decision, Outcome, Violation } from '../../engine/types.ts';
import { type TempLedgers, tempLedgers } from './temp-ledger.ts';

export const TEST_TOKEN = 'test-token-0123456789-abcdef';

export const CONTROL_DEFAULTS: RuntimeControls = {
  killLevel: 'none',
  tradingMode: 'paper',
  maxPositionUsd: null,
  maxSessionLossUsd: null,
  allowedInstruments: ['BTC-USD', 'ETH-USD'],
  allowedStrategies: ['canary'],
};

export interface HttpFixture {
  readonly env: TempLedgers;
  readonly ledger: Ledger;
  readonly bus: EventBus;
  readonly metrics: EngineMetrics;
  readonly controls: ControlsService;
  readonly capture: LogCapture;
  readonly server: HttpServer;
  /** Mutate to change what the engine reports. */
  status: EngineStatus;
  url: string;
  close(): Promise<void>;
}

export function healthyStatus(nowMs: number): EngineStatus {
  return {
    mode: 'paper',
    runId: 'run-1',
    startedAtMs: nowMs - 60_000,
    balanceUsd: 10_000,
    equityUsd: 10_050,
    sessionPnlUsd: 50,
    drawdownFraction: 0.01,
    heartbeatAtMs: nowMs - 500,
    ruleSetVersion: 'rs-abc123',
    feeds: [{ feed: 'replay', instrument: 'BTC-USD', ageMs: 800, stale: false, reconnects: 2 }],
    assertions: [{ name: 'position_count_match', ok: true, message: null }],
    rateLimiters: [{ name: 'paper', waits: 3, totalWaitMs: 1_500 }],
  };
}

export interface FixtureOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly server?: HttpServerOptions;
}

export async function startHttpFixture(options: FixtureOptions = {}): Promise<HttpFixture> {
  const env = tempLedgers();
  const ledger = env.open();
  const bus = new EventBus();
  const metrics = new EngineMetrics();
  const unwire = wireMetrics(bus, metrics);
  const capture = new LogCapture();
  // No environment for value scrubbing: redaction must come from the server never logging secrets, not from the scrubber.
  const logger = createLogger({ destination: capture, env: {}, clock: env.clock, level: 'trace' });
  const controls = new ControlsService({
    repository: ledger.controls,
    transaction: (fn) => ledger.transaction(fn),
    clock: env.clock,
    defaults: CONTROL_DEFAULTS,
    logger,
    bus,
  });
  const holder = { status: healthyStatus(env.clock.now()) };
  const server = createHttpServer(
    { ledger, status: { status: () => holder.status }, controls, bus, metrics, clock: env.clock, logger, env: options.env ?? { TRADEGATE_API_TOKEN: TEST_TOKEN } },
    { port: 0, ...options.server },
  );
  const url = await server.start();
  const fixture: HttpFixture = {
    env,
    ledger,
    bus,
    metrics,
    controls,
    capture,
    server,
    get status() {
      return holder.status;
    },
    set status(s: EngineStatus) {
      holder.status = s;
    },
    url,
    async close() {
      await server.stop();
      unwire();
      env.cleanup();
    },
  };
  return fixture;
}

/** A gate decision as the audit trail stores it. */
export function decision(outcome: Outcome, violations: readonly Violation[], evaluatedAt: number, instrument = 'BTC-USD'): Decision {
  return {
    outcome,
    violations,
    evaluated: violations.map((v) => ({ ruleId: v.ruleId, fired: true, facts: v.facts })),
    errors: [],
    ruleSetVersion: 'rs-abc123',
    evaluatedAt,
    context: { appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument, strategy: 'canary' },
  };
}

export function violation(ruleId: string, message: string): Violation {
  return { ruleId, action: 'reject', message, facts: { 'order.notional_usd': 150 } };
}
