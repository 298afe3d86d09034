// What the running engine reports about itself (mode, money, heartbeat, feeds, assertions): the port the session runner fills.
import type { AssertionOutcome } from '../trading-events.ts';
import type { Mode } from '../types.ts';

export interface FeedStatus {
  /** The feed and instrument, e.g. `bitunix` / `BTC-USD`; instrument `*` for the connection as a whole. */
  readonly feed: string;
  readonly instrument: string;
  /** Milliseconds since the last message; null when none has arrived yet. */
  readonly ageMs: number | null;
  readonly stale: boolean;
  /** Reconnect attempts since start (a running total). */
  readonly reconnects: number;
}

export interface RateLimiterStatus {
  readonly name: string;
  /** Calls that had to wait, and the total wait, since start (running totals). */
  readonly waits: number;
  readonly totalWaitMs: number;
}

export interface EngineStatus {
  readonly mode: Mode;
  readonly runId: string | null;
  readonly startedAtMs: number | null;
  /** Cash balance, USD. */
  readonly balanceUsd: number;
  /** Cash plus open positions marked to market; null until the first mark. */
  readonly equityUsd: number | null;
  readonly sessionPnlUsd: number | null;
  readonly drawdownFraction: number | null;
  /** When the runner's loop last completed a tick (epoch ms); null before the first. */
  readonly heartbeatAtMs: number | null;
  readonly ruleSetVersion: string | null;
  readonly feeds: readonly FeedStatus[];
  /** The latest verdict of every runtime assertion. */
  readonly assertions: readonly AssertionOutcome[];
  readonly rateLimiters: readonly RateLimiterStatus[];
}

/**
 * The live state the HTTP server, metrics and schedules read. The session runner implements it;
 * reads must be cheap and must not throw (health checks call it on every poll).
 */
export interface EngineStatusSource {
  status(): EngineStatus;
}
