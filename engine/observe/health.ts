// Health as a pure verdict: heartbeat freshness, breaker, assertions, feed ages and control validity, each failure named.
import type { KillLevel } from '../types.ts';
import type { EngineStatus } from './engine-status.ts';

export interface HealthThresholds {
  /** The runner ticks at least this often while alive. */
  readonly maxHeartbeatAgeMs: number;
  /** A feed silent for longer is unhealthy even before the feed layer declares it stale. */
  readonly maxFeedAgeMs: number;
}

export const HEALTH_DEFAULTS: HealthThresholds = { maxHeartbeatAgeMs: 10_000, maxFeedAgeMs: 60_000 };

export interface BreakerView {
  readonly tripped: boolean;
  readonly reason: string | null;
  readonly trippedAtMs: number | null;
}

export interface HealthInput {
  readonly status: EngineStatus;
  readonly breaker: BreakerView;
  readonly killLevel: KillLevel;
  /** Stored controls that failed validation (the engine then runs paused). */
  readonly controlsProblems: readonly string[];
  readonly nowMs: number;
}

export interface HealthReport {
  readonly healthy: boolean;
  /** One sentence per failed check; empty when healthy. */
  readonly reasons: readonly string[];
  readonly nowMs: number;
  readonly mode: EngineStatus['mode'];
  readonly runId: string | null;
  readonly heartbeatAgeMs: number | null;
  readonly breaker: BreakerView;
  readonly killLevel: KillLevel;
  readonly assertions: EngineStatus['assertions'];
  readonly feeds: readonly { readonly feed: string; readonly instrument: string; readonly ageMs: number | null; readonly stale: boolean }[];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function heartbeatReasons(ageMs: number | null, t: HealthThresholds): string[] {
  if (ageMs === null) return ['no heartbeat yet: the runner has not completed a tick'];
  if (ageMs > t.maxHeartbeatAgeMs) return [`heartbeat is ${seconds(ageMs)} old (limit ${seconds(t.maxHeartbeatAgeMs)})`];
  return [];
}

function feedReasons(status: EngineStatus, t: HealthThresholds): string[] {
  const out: string[] = [];
  for (const f of status.feeds) {
    const name = `feed ${f.feed}/${f.instrument}`;
    if (f.ageMs === null) out.push(`${name} has delivered no data yet`);
    else if (f.stale) out.push(`${name} is stale (last message ${seconds(f.ageMs)} ago)`);
    else if (f.ageMs > t.maxFeedAgeMs) out.push(`${name} last sent data ${seconds(f.ageMs)} ago (limit ${seconds(t.maxFeedAgeMs)})`);
  }
  return out;
}

/** Kill levels are an operator's choice and do not make the engine unhealthy; a tripped breaker does. */
export function assessHealth(input: HealthInput, thresholds: HealthThresholds = HEALTH_DEFAULTS): HealthReport {
  const { status, breaker, nowMs } = input;
  const heartbeatAgeMs = status.heartbeatAtMs === null ? null : Math.max(0, nowMs - status.heartbeatAtMs);
  const reasons = [
    ...heartbeatReasons(heartbeatAgeMs, thresholds),
    ...(breaker.tripped ? [`circuit breaker is tripped: ${breaker.reason ?? 'no reason recorded'}`] : []),
    ...status.assertions.filter((a) => !a.ok).map((a) => `assertion ${a.name} failed: ${a.message ?? 'no message'}`),
    ...feedReasons(status, thresholds),
    ...input.controlsProblems.map((p) => `runtime controls invalid, running paused: ${p}`),
  ];
  return {
    healthy: reasons.length === 0,
    reasons,
    nowMs,
    mode: status.mode,
    runId: status.runId,
    heartbeatAgeMs,
    breaker,
    killLevel: input.killLevel,
    assertions: status.assertions,
    feeds: status.feeds.map((f) => ({ feed: f.feed, instrument: f.instrument, ageMs: f.ageMs, stale: f.stale })),
  };
}
