// Specs for the live status the server reads: money from the latest mark, heartbeat and feed ages in wall time, and reads that never throw.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import { ManualClock } from '../../../engine/clock.ts';
import { LiveStatus, type LiveStatusOptions } from '../../../engine/runtime/live-status.ts';

const T0 = Date.UTC(2024, 2, 10, 12);

function status(overrides: Partial<LiveStatusOptions> = {}) {
  const bus = new EventBus();
  const wall = new ManualClock(T0);
  const live = new LiveStatus({
    mode: 'paper', runId: 'run-1', bus, wallClock: wall, feed: 'replay', instruments: ['BTC-USD'], stale: () => false,
    cashUsd: () => 10_000, ruleSetVersion: () => 'rs-1', assertions: () => [{ name: 'heartbeat', ok: true, message: null }], ...overrides,
  });
  return { bus, wall, live };
}

describe('LiveStatus', () => {
  it('reports no heartbeat, no equity and a silent feed before the first event, with cash from the books', () => {
    const { live } = status();
    expect(live.status()).toEqual({
      mode: 'paper', runId: 'run-1', startedAtMs: T0, balanceUsd: 10_000, equityUsd: null, sessionPnlUsd: null, drawdownFraction: null,
      heartbeatAtMs: null, ruleSetVersion: 'rs-1', feeds: [{ feed: 'replay', instrument: 'BTC-USD', ageMs: null, stale: false, reconnects: 0 }],
      assertions: [{ name: 'heartbeat', ok: true, message: null }], rateLimiters: [],
    });
  });

  it('takes money from the latest equity mark and ages the heartbeat and feeds by wall time', () => {
    const { bus, wall, live } = status({ stale: () => true });
    bus.emit('equity.observed', { equityUsd: 10_050, cashUsd: 9_000, sessionPnlUsd: 50, dailyLossFraction: 0, drawdownFraction: 0.01 });
    live.observed('BTC-USD');
    live.beat();
    wall.advance(1_500);
    expect(live.status()).toMatchObject({
      balanceUsd: 9_000, equityUsd: 10_050, sessionPnlUsd: 50, drawdownFraction: 0.01, heartbeatAtMs: T0,
      feeds: [{ feed: 'replay', instrument: 'BTC-USD', ageMs: 1_500, stale: true, reconnects: 0 }],
    });
  });

  it('never throws: an unreadable book or rule set reads as unknown', () => {
    const { live } = status({ cashUsd: () => { throw new Error('database is locked'); }, ruleSetVersion: () => { throw new Error('no rules'); } });
    expect(live.status()).toMatchObject({ balanceUsd: Number.NaN, ruleSetVersion: null });
  });

  it('stops following the bus once closed', () => {
    const { bus, live } = status();
    live.close();
    bus.emit('equity.observed', { equityUsd: 1, cashUsd: 1, sessionPnlUsd: 1, dailyLossFraction: 0, drawdownFraction: 0 });
    expect(live.status().equityUsd).toBeNull();
  });
});
