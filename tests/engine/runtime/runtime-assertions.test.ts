// Specs for running the assertions after each step on a real ledger and the real paper venue: verdicts, breaker, cadence, heartbeat, venue check.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import { ManualClock } from '../../../engine/clock.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import type { ExecuteResult } from '../../../engine/orders/order-manager.ts';
import type { Signal, Venue } from '../../../engine/plugins/plugin-api.ts';
import { Breaker } from '../../../engine/runtime/breaker.ts';
import { HEARTBEAT_MAX_GAP_MS, RuntimeAssertions, type RuntimeAssertionsOptions } from '../../../engine/runtime/runtime-assertions.ts';
import type { AssertionFailed } from '../../../engine/trading-events.ts';
import { openPaperVenue } from '../../helpers/paper-session.ts';
import { fill, T0, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let venue: Venue;
let wall: ManualClock;
let bus: EventBus;
let failed: AssertionFailed[];
let price: number | undefined;

beforeEach(async () => {
  env = tempLedgers();
  ledger = env.open();
  ledger.deposit(10_000, 'seed');
  ledger.startRun({ runId: 'run-1' });
  venue = await openPaperVenue(join(env.dir, 'venue'), env.clock, 1);
  wall = new ManualClock(T0);
  bus = new EventBus();
  failed = [];
  bus.on('assertion.failed', (f) => void failed.push(f));
  price = 100;
});
afterEach(async () => {
  await venue.close();
  env.cleanup();
});

function checker(overrides: Partial<RuntimeAssertionsOptions> = {}): RuntimeAssertions {
  return new RuntimeAssertions({
    ledger, venue, mark: () => price, breaker: new Breaker({ repository: ledger.breaker, bus }), clock: env.clock, wallClock: wall,
    scope: ['BTC-USD'], capitalCapUsd: () => 10_000, everySteps: 1, deterministic: false, ...overrides,
  });
}

const signal = (id: string): Signal => ({ instrument: 'BTC-USD', side: 'buy', quantity: 1, orderType: 'limit', limitPrice: 100, signalId: id, intent: 'entry', reason: 'test' });
const verdict = (a: RuntimeAssertions, name: string) => a.latest().find((r) => r.name === name);

describe('RuntimeAssertions', () => {
  it('holds every assertion on clean books, keeps the verdicts for the status, and leaves the breaker closed', async () => {
    const a = checker();
    await a.afterStep();
    expect(a.latest().map((r) => [r.name, r.ok])).toEqual([
      ['signal_order_mapping', true], ['fill_confirmation', true], ['position_count_matches_venue', true], ['pnl_consistency', true],
      ['venue_order_ids_present', true], ['instrument_scope', true], ['no_future_windows', true], ['capital_cap', true], ['heartbeat', true],
    ]);
    expect(ledger.breaker.isTripped()).toBe(false);
  });

  it('opens the breaker naming signal_order_mapping when an accepted signal has no order in the ledger', async () => {
    const a = checker();
    a.accepted(signal('s-1'), { status: 'sent', clientOrderId: 'tg-never-recorded' } as ExecuteResult);
    await a.afterStep();
    expect(failed).toEqual([{ name: 'signal_order_mapping', message: expect.stringContaining('tg-never-recorded') }]);
    expect(ledger.breaker.state()).toMatchObject({ tripped: true, trippedBy: 'assertion:signal_order_mapping' });
    // The signals were checked once: the next check starts from a clean list (and the breaker stays as it is).
    await a.afterStep();
    expect(verdict(a, 'signal_order_mapping')?.ok).toBe(true);
  });

  it('compares positions with the venue at the first check and then at most every 30 s of wall time', async () => {
    const a = checker();
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
    await a.check();
    expect(verdict(a, 'position_count_matches_venue')).toMatchObject({ ok: false, message: expect.stringContaining('BTC-USD: ledger 1, venue 0') });
    wall.advance(10_000);
    await a.check();
    expect(verdict(a, 'position_count_matches_venue')?.ok).toBe(true);
    wall.advance(20_000);
    await a.check();
    expect(verdict(a, 'position_count_matches_venue')?.ok).toBe(false);
  });

  it('compares positions with the venue at once when the wall clock steps backwards', async () => {
    const a = checker();
    await a.check();
    expect(verdict(a, 'position_count_matches_venue')?.ok).toBe(true);
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
    wall.set(T0 - 3_600_000);
    await a.check();
    expect(verdict(a, 'position_count_matches_venue')).toMatchObject({ ok: false, message: expect.stringContaining('BTC-USD: ledger 1, venue 0') });
  });

  it('fails the heartbeat after a stall longer than the limit, and ignores wall time when deterministic (backtests)', async () => {
    const live = checker();
    const replayed = checker({ deterministic: true });
    live.beat();
    replayed.beat();
    wall.advance(HEARTBEAT_MAX_GAP_MS + 1);
    await live.check();
    await replayed.check();
    expect(verdict(live, 'heartbeat')).toMatchObject({ ok: false, message: expect.stringContaining(`${HEARTBEAT_MAX_GAP_MS + 1} ms ago`) });
    expect(verdict(replayed, 'heartbeat')?.ok).toBe(true);
  });

  it('checks every N steps when told to', async () => {
    const a = checker({ everySteps: 3 });
    await a.afterStep();
    await a.afterStep();
    expect(a.latest()).toEqual([]);
    await a.afterStep();
    expect(a.latest()).toHaveLength(9);
  });

  it('skips a check while an open position has no mark, rather than failing it', async () => {
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
    price = undefined;
    const a = checker({ deterministic: true });
    expect(await a.check()).toBeNull();
    expect(ledger.breaker.isTripped()).toBe(false);
  });

  it('counts a resting exit as an exit, not as new exposure, against the capital cap', async () => {
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
    ledger.orders.insertPending({ clientOrderId: 'exit-1', intentKey: 'exit-1', venue: 'paper', instrument: 'BTC-USD', side: 'sell', orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary', runId: 'run-1', sent: { price: 100, qty: 1 } });
    ledger.orders.insertPending({ clientOrderId: 'entry-1', intentKey: 'entry-1', venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary', runId: 'run-1', sent: { price: 100, qty: 1 } });
    const a = checker({ capitalCapUsd: () => 250 });
    await a.check();
    expect(verdict(a, 'capital_cap')?.ok).toBe(true);
    const tight = checker({ capitalCapUsd: () => 150 });
    await tight.check();
    expect(verdict(tight, 'capital_cap')).toMatchObject({ ok: false, message: expect.stringContaining('positions 100.00, open entries 100.00') });
  });
});
