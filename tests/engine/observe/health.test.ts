// Specs of the health verdict: each failed check named in one sentence, kill levels informational, thresholds honoured.
import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../engine/observe/engine-status.ts';
import { assessHealth } from '../../../engine/observe/health.ts';

const NOW = 1_000_000;
const STATUS: EngineStatus = {
  mode: 'live',
  runId: 'r',
  startedAtMs: 0,
  balanceUsd: 1,
  equityUsd: 1,
  sessionPnlUsd: 0,
  drawdownFraction: 0,
  heartbeatAtMs: NOW - 1_000,
  ruleSetVersion: 'v',
  feeds: [{ feed: 'ws', instrument: 'BTC-USD', ageMs: 1_000, stale: false, reconnects: 0 }],
  assertions: [{ name: 'heartbeat', ok: true, message: null }],
  rateLimiters: [],
};
const OK_BREAKER = { tripped: false, reason: null, trippedAtMs: null };

function verdict(status: Partial<EngineStatus>, extra: { killLevel?: 'none' | 'pause'; controlsProblems?: string[] } = {}) {
  return assessHealth(
    { status: { ...STATUS, ...status }, breaker: OK_BREAKER, killLevel: extra.killLevel ?? 'none', controlsProblems: extra.controlsProblems ?? [], nowMs: NOW },
    { maxHeartbeatAgeMs: 5_000, maxFeedAgeMs: 30_000 },
  );
}

describe('assessHealth', () => {
  it('is healthy when every check passes, paused or not', () => {
    expect(verdict({})).toMatchObject({ healthy: true, reasons: [], heartbeatAgeMs: 1_000 });
    expect(verdict({}, { killLevel: 'pause' }).healthy).toBe(true);
  });

  it('names a missing or old heartbeat', () => {
    expect(verdict({ heartbeatAtMs: null }).reasons).toEqual(['no heartbeat yet: the runner has not completed a tick']);
    expect(verdict({ heartbeatAtMs: NOW - 5_000 }).healthy).toBe(true);
    expect(verdict({ heartbeatAtMs: NOW - 5_001 }).reasons).toEqual(['heartbeat is 5.0 s old (limit 5.0 s)']);
  });

  it('names feeds that are silent, stale or too old', () => {
    const feeds = [
      { feed: 'ws', instrument: 'A', ageMs: null, stale: false, reconnects: 0 },
      { feed: 'ws', instrument: 'B', ageMs: 2_000, stale: true, reconnects: 0 },
      { feed: 'ws', instrument: 'C', ageMs: 31_000, stale: false, reconnects: 0 },
    ];
    expect(verdict({ feeds }).reasons).toEqual([
      'feed ws/A has delivered no data yet',
      'feed ws/B is stale (last message 2.0 s ago)',
      'feed ws/C last sent data 31.0 s ago (limit 30.0 s)',
    ]);
  });

  it('names a tripped breaker, failed assertions and invalid controls', () => {
    const report = assessHealth(
      {
        status: { ...STATUS, assertions: [{ name: 'capital_cap', ok: false, message: null }] },
        breaker: { tripped: true, reason: null, trippedAtMs: 5 },
        killLevel: 'pause',
        controlsProblems: ['kill_level: the stored value is not valid JSON'],
        nowMs: NOW,
      },
    );
    expect(report.reasons).toEqual([
      'circuit breaker is tripped: no reason recorded',
      'assertion capital_cap failed: no message',
      'runtime controls invalid, running paused: kill_level: the stored value is not valid JSON',
    ]);
  });
});
