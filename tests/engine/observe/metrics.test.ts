// Specs of the engine metrics: one registry per engine (nothing on prom-client's global one), gauges from status, counters by delta.
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../../engine/observe/engine-status.ts';
import { EngineMetrics } from '../../../engine/observe/metrics.ts';

const STATUS: EngineStatus = {
  mode: 'paper',
  runId: 'r',
  startedAtMs: 0,
  balanceUsd: 900,
  equityUsd: 1_000,
  sessionPnlUsd: -5,
  drawdownFraction: 0.02,
  heartbeatAtMs: 9_000,
  ruleSetVersion: 'v1',
  feeds: [{ feed: 'ws', instrument: 'BTC-USD', ageMs: 1_500, stale: false, reconnects: 3 }],
  assertions: [{ name: 'pnl_match', ok: false, message: 'off by 2' }],
  rateLimiters: [{ name: 'venue', waits: 4, totalWaitMs: 2_000 }],
};

const CTX = { nowMs: 10_000, breakerTripped: true, killLevel: 'flatten' } as const;

describe('EngineMetrics', () => {
  it('keeps its metrics off the global registry, so two engines never collide', async () => {
    const a = new EngineMetrics();
    const b = new EngineMetrics();
    a.fillsTotal.inc({ instrument: 'BTC-USD' });
    expect(await b.render()).not.toContain('tradegate_fills_total{');
    expect(globalRegistry.getMetricsAsArray().filter((m) => m.name.startsWith('tradegate_'))).toEqual([]);
  });

  it('sets the gauges from the engine status at scrape time', async () => {
    const m = new EngineMetrics();
    m.observeStatus(STATUS, CTX);
    const text = await m.render();
    for (const line of [
      'tradegate_equity_usd 1000',
      'tradegate_cash_usd 900',
      'tradegate_session_pnl_usd -5',
      'tradegate_drawdown_ratio 0.02',
      'tradegate_heartbeat_age_seconds 1',
      'tradegate_breaker_tripped 1',
      'tradegate_kill_level 2',
      'tradegate_feed_age_seconds{feed="ws",instrument="BTC-USD"} 1.5',
      'tradegate_feed_stale{feed="ws",instrument="BTC-USD"} 0',
      'tradegate_assertion_failing{assertion="pnl_match"} 1',
      'tradegate_rule_set_info{version="v1"} 1',
      'tradegate_feed_reconnects_total{feed="ws"} 3',
      'tradegate_rate_limiter_waits_total{limiter="venue"} 4',
      'tradegate_rate_limiter_wait_seconds_total{limiter="venue"} 2',
    ]) {
      expect(text).toContain(`${line}\n`);
    }
  });

  it('advances running-total counters by the increase only, and from zero after the source restarts', async () => {
    const m = new EngineMetrics();
    m.observeStatus(STATUS, CTX);
    m.observeStatus(STATUS, CTX);
    m.observeStatus({ ...STATUS, rateLimiters: [{ name: 'venue', waits: 6, totalWaitMs: 2_000 }] }, CTX);
    m.observeStatus({ ...STATUS, rateLimiters: [{ name: 'venue', waits: 1, totalWaitMs: 2_000 }] }, CTX);
    expect(await m.render()).toContain('tradegate_rate_limiter_waits_total{limiter="venue"} 7\n');
  });

  it('exports unknown money as NaN, never as a misleading 0', async () => {
    const m = new EngineMetrics();
    m.observeStatus({ ...STATUS, equityUsd: null, heartbeatAtMs: null, feeds: [{ ...STATUS.feeds[0]!, ageMs: null }] }, CTX);
    const text = await m.render();
    // prom-client writes `Nan`; Prometheus parses NaN case-insensitively.
    expect(text).toMatch(/^tradegate_equity_usd nan$/im);
    expect(text).toContain('tradegate_heartbeat_age_seconds -1\n');
    expect(text).toContain('tradegate_feed_age_seconds{feed="ws",instrument="BTC-USD"} -1\n');
  });

  it('keeps one rule set version label, the one in force', async () => {
    const m = new EngineMetrics();
    m.setRuleSetVersion('v1');
    m.setRuleSetVersion('v2');
    const text = await m.render();
    expect(text).toContain('tradegate_rule_set_info{version="v2"} 1');
    expect(text).not.toContain('version="v1"');
  });
});
