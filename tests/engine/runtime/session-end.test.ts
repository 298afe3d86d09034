// Specs for the end of a session: a wind-down the venue cannot answer still ends the run, writes its files and keeps its stop reason.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { TradegateError } from '../../../engine/errors.ts';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import { finishRun } from '../../../engine/runtime/session-end.ts';
import type { SessionPlan } from '../../../engine/runtime/session-plan.ts';
import { type RunFixture, runFixture } from '../../helpers/run-fixture.ts';

let f: RunFixture;
afterEach(() => f.env.cleanup());

describe('finishRun', () => {
  it('still ends an emergency run, writes its files and keeps the reason when the venue is down at the wind-down, saying what was left live', async () => {
    f = runFixture();
    const logs = new LogCapture();
    const logger = createLogger({ destination: logs, level: 'debug', env: {} });
    const runDir = join(f.env.dir, 'run');
    const down = () => Promise.reject(new TradegateError('VENUE_TIMEOUT', 'venue unreachable'));
    const result = await finishRun({
      key: { db: f.ledger.db, mode: 'paper', runId: 'run-1' }, ledger: f.ledger, plan: { runDir } as SessionPlan, logger,
      reason: 'emergency', ended: true, candidates: 0, events: 0,
      windDown: { orders: f.ledger.orders, venue: { cancelOrder: down }, manager: { idle: async () => {}, reconcile: down }, wallClock: new ManualClock(0), sleep: async () => {} },
    });
    expect(result.reason).toBe('emergency');
    expect(result.files).toHaveLength(3);
    expect(f.ledger.runs.require('run-1').endedAtMs).not.toBeNull();
    const failed = logs.events('session.wind_down_failed');
    expect(failed).toEqual([expect.objectContaining({ message: 'venue unreachable' })]);
    expect(failed[0]?.['orders_left_live']).toEqual(expect.arrayContaining(['buy-1', 'sell-1']));
  });
});
