// What every route receives: the narrow engine ports (ledger reads, live status, controls, bus, metrics) plus the server's own parts.
import type { EventBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { EngineStatusSource } from '../observe/engine-status.ts';
import { assessHealth, type HealthReport, type HealthThresholds } from '../observe/health.ts';
import type { Logger } from '../observe/logger.ts';
import type { EngineMetrics } from '../observe/metrics.ts';
import type { ControlsService } from '../runtime/controls.ts';
import type { TokenCheck } from './auth.ts';
import type { EventStream } from './event-stream.ts';

/** The ledger as the API reads it: positions, orders, the audit trail and the breaker. */
export type LedgerReader = Pick<Ledger, 'openPositions' | 'positions' | 'orders' | 'decisions' | 'breaker'>;

/** The engine parts the server is built on; the composition root passes the real ones, tests a real Ledger and a small status. */
export interface ServerDeps {
  readonly ledger: LedgerReader;
  readonly status: EngineStatusSource;
  readonly controls: ControlsService;
  readonly bus: EventBus;
  readonly metrics: EngineMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where TRADEGATE_API_TOKEN is read from, once, when the server is created. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface RouteContext extends ServerDeps {
  readonly health: HealthThresholds;
  readonly auth: TokenCheck;
  readonly events: EventStream;
}

export type LiveHealth = { readonly ok: true; readonly report: HealthReport } | { readonly ok: false; readonly message: string };

/** The health verdict now; a status source that throws is itself a failure, reported rather than crashing the route. */
export function liveHealth(ctx: RouteContext): LiveHealth {
  try {
    const breaker = ctx.ledger.breaker.state();
    const report = assessHealth(
      {
        status: ctx.status.status(),
        breaker: { tripped: breaker.tripped, reason: breaker.reason, trippedAtMs: breaker.trippedAtMs },
        killLevel: ctx.controls.current().killLevel,
        controlsProblems: ctx.controls.problems(),
        nowMs: ctx.clock.now(),
      },
      ctx.health,
    );
    return { ok: true, report };
  } catch (error) {
    return { ok: false, message: `engine status unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
