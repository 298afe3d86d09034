// The operator-facing services of a running session (HTTP server and metrics, webhook alerts, UTC schedules), composed for main.ts.
import type { EventBus } from './bus.ts';
import type { Clock } from './clock.ts';
import type { EngineConfig } from './config/load-config.ts';
import { TradegateError } from './errors.ts';
import type { MarkLookup } from './ledger/equity.ts';
import type { Ledger } from './ledger/ledger.ts';
import type { ReplaySpeed } from './market/replay.ts';
import { realSleep } from './market/sleep.ts';
import { AlertDispatcher } from './observe/alert-dispatcher.ts';
import { type AlertSink, wireAlerts } from './observe/alert-wiring.ts';
import type { Alert, AlertConfig } from './observe/alerts.ts';
import { dailySummaryJob } from './observe/daily-summary.ts';
import { HEALTH_DEFAULTS, type HealthThresholds } from './observe/health.ts';
import type { Logger } from './observe/logger.ts';
import { EngineMetrics } from './observe/metrics.ts';
import { wireMetrics } from './observe/metrics-wiring.ts';
import { createSchedules, type Schedules } from './observe/schedules.ts';
import type { MarketSource } from './runtime/market-source.ts';
import type { SessionRuntime } from './runtime/session-runtime.ts';
import { createHttpServer } from './server/http.ts';
import type { Mode } from './types.ts';

/** Where the server listens when the config has no http section: loopback, the port the runbook and the watchdog use. */
export const HTTP_DEFAULT = { host: '127.0.0.1', port: 8787 } as const;

/** At shutdown, alerts still queued (the emergency's own, say) get this long to go out. */
export const ALERT_FLUSH_MS = 5_000;

export interface OperatorServicesInput {
  readonly ledger: Ledger;
  readonly runtime: Pick<SessionRuntime, 'controls' | 'status' | 'killSwitch'>;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Session clock: the daily summary reports the books' day. */
  readonly clock: Clock;
  /** Wall clock: health ages, alert pacing. */
  readonly wallClock: Clock;
  /** Null: no server (`--http-port 0`, backtests, `npm start`). */
  readonly http: { readonly host: string; readonly port: number } | null;
  readonly health: Partial<HealthThresholds>;
  /** Null: alerts off (no TRADEGATE_ALERT_WEBHOOK_URL). */
  readonly alerts: AlertConfig | null;
  /** Where the server reads TRADEGATE_API_TOKEN. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The 00:00 UTC reset and the daily summary; null in a backtest (its days are replayed, not lived). */
  readonly dayStart: ((utcDay: string) => Promise<void>) | null;
}

export interface OperatorServices {
  /** The server's base URL, or null when it is off. */
  readonly url: string | null;
  /** The UTC jobs, or null when they do not run (a backtest). */
  readonly schedules: Schedules | null;
  close(): Promise<void>;
}

async function listen(i: OperatorServicesInput, metrics: EngineMetrics): Promise<{ url: string | null; stop: () => Promise<void> }> {
  if (!i.http) return { url: null, stop: async () => {} };
  const server = createHttpServer(
    { ledger: i.ledger, status: i.runtime.status, controls: i.runtime.controls, bus: i.bus, metrics, clock: i.wallClock, logger: i.logger, env: i.env },
    { host: i.http.host, port: i.http.port, health: i.health },
  );
  try {
    return { url: await server.start(), stop: () => server.stop() };
  } catch (error) {
    await server.stop().catch(() => undefined);
    const { host, port } = i.http;
    throw new TradegateError(
      'HTTP_LISTEN_FAILED',
      `the HTTP server cannot listen on ${host}:${port} (${(error as Error).message}): another engine or program uses the port; pass --http-port with a free port, or --http-port 0 to run without the server`,
      { host, port },
    );
  }
}

/** Every daily summary is logged; with a webhook configured it is sent as an info alert too. */
function summarySink(logger: Logger, dispatcher: AlertDispatcher | null): AlertSink {
  return {
    notify(alert: Alert) {
      logger.info({ event: 'daily.summary', key: alert.key, title: alert.title, text: alert.text }, alert.title);
      dispatcher?.notify(alert);
    },
  };
}

/**
 * Starts the server first (a port in use refuses the start before anything else runs), then alerts and
 * schedules. close() stops them in reverse order, giving queued alerts ALERT_FLUSH_MS to go out.
 */
export async function startOperatorServices(i: OperatorServicesInput): Promise<OperatorServices> {
  const metrics = new EngineMetrics();
  const closers: (() => Promise<void> | void)[] = [];
  const server = await listen(i, metrics);
  closers.push(server.stop);
  if (server.url !== null) closers.push(wireMetrics(i.bus, metrics));
  const dispatcher = i.alerts ? new AlertDispatcher({ config: i.alerts, clock: i.wallClock, sleep: realSleep, logger: i.logger, metrics }) : null;
  if (dispatcher) {
    closers.push(wireAlerts(i.bus, dispatcher));
    closers.push(async () => {
      await Promise.race([dispatcher.idle(), realSleep(ALERT_FLUSH_MS)]);
      dispatcher.close();
    });
  }
  let schedules: Schedules | null = null;
  if (i.dayStart) {
    const summary = dailySummaryJob({ ledger: i.ledger, clock: i.clock, sink: summarySink(i.logger, dispatcher), killLevel: () => i.runtime.killSwitch.level() });
    const jobs = createSchedules({ dayStartReset: i.dayStart, dailySummary: () => void summary() }, { logger: i.logger });
    await jobs.start();
    closers.push(() => jobs.stop());
    schedules = jobs;
  }
  return {
    url: server.url,
    schedules,
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
    },
  };
}

export interface SessionServicesInput {
  readonly mode: Mode;
  readonly config: EngineConfig;
  /** A port (0: off), `config` for the config's http.port, undefined: off. */
  readonly httpPort: number | 'config' | undefined;
  readonly speed: ReplaySpeed;
  /** The market data's bar period, ms (0 when unknown). */
  readonly barMs: number;
  readonly ledger: Ledger;
  readonly runtime: OperatorServicesInput['runtime'] & Pick<SessionRuntime, 'exclusive'>;
  readonly mark: MarkLookup;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly wallClock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly alerts: AlertConfig | null;
}

/** The bar period of a replay: the gap between its first two event ends. */
export function barMsOf(source: Pick<MarketSource, 'events'>): number {
  const [a, b] = source.events;
  return a && b ? Math.max(0, b.endTs - a.endTs) : 0;
}

/**
 * The services of one session. A replay delivers a bar every period / speed of wall time, so a feed
 * that quiet is not unhealthy; the day start marks equity under the step lock so the ledger's UTC
 * day-start baseline rolls over at midnight rather than at the next bar.
 */
export function startSessionServices(i: SessionServicesInput): Promise<OperatorServices> {
  const { config, ledger, logger } = i;
  const port = i.httpPort === 'config' ? (config.http?.port ?? HTTP_DEFAULT.port) : (i.httpPort ?? 0);
  const maxFeedAgeMs = i.speed === 'max' ? HEALTH_DEFAULTS.maxFeedAgeMs : Math.max(HEALTH_DEFAULTS.maxFeedAgeMs, (3 * i.barMs) / i.speed);
  const dayStart = async (utcDay: string) => {
    await i.runtime.exclusive(() => {
      try {
        ledger.observeEquity(i.mark, { snapshot: true });
      } catch (error) {
        logger.warn({ event: 'equity.unavailable', message: (error as Error).message }, 'no mark at the day start');
      }
    });
    logger.info({ event: 'session.day_start', utc_day: utcDay }, `day start ${utcDay} (UTC)`);
  };
  return startOperatorServices({
    ledger, runtime: i.runtime, bus: i.bus, logger, clock: i.clock, wallClock: i.wallClock, env: i.env, alerts: i.alerts,
    http: port === 0 ? null : { host: config.http?.host ?? HTTP_DEFAULT.host, port },
    health: { maxFeedAgeMs },
    dayStart: i.mode === 'backtest' ? null : dayStart,
  });
}
