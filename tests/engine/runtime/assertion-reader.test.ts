// Specs of the incremental assertion reads on a real ledger: changes caught at the next check, the full-check backstop, failures that stay until fixed, running cash totals, reads that do not grow with the run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import { ManualClock } from '../../../engine/clock.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { e8ToQty } from '../../../engine/ledger/money.ts';
import type { ExecuteResult } from '../../../engine/orders/order-manager.ts';
import type { Signal } from '../../../engine/plugins/plugin-api.ts';
import { AssertionReader, blamedOrders, FULL_CHECK_EVERY_CHECKS, FULL_CHECK_EVERY_MS } from '../../../engine/runtime/assertion-reader.ts';
import { externalOf } from '../../../engine/runtime/assertion-state.ts';
import { type AssertionState, runAssertions } from '../../../engine/runtime/assertions.ts';
import { Breaker } from '../../../engine/runtime/breaker.ts';
import { RuntimeAssertions, type RuntimeAssertionsOptions } from '../../../engine/runtime/runtime-assertions.ts';
import { fill, T0, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let wall: ManualClock;

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  ledger.deposit(10_000, 'seed');
  ledger.startRun({ runId: 'run-1' });
  wall = new ManualClock(T0);
});
afterEach(() => env.cleanup());

/** The venue agrees with the ledger, so only what a spec breaks can fail. */
const venue = { positions: async () => ledger.positions.open().map((p) => ({ instrument: p.instrument, quantity: e8ToQty(p.qtyE8) })) };

function checker(overrides: Partial<RuntimeAssertionsOptions> = {}): RuntimeAssertions {
  return new RuntimeAssertions({
    ledger, venue, mark: () => 100, breaker: new Breaker({ repository: ledger.breaker, bus: new EventBus() }), clock: env.clock, wallClock: wall,
    scope: ['BTC-USD'], capitalCapUsd: () => 10_000, everySteps: 1, deterministic: false, ...overrides,
  });
}

/** An order acknowledged by the venue; `end` takes it to a terminal state (filled through a real fill, or cancelled). */
function order(cid: string, end: 'live' | 'filled' | 'canceled' = 'filled', side: 'buy' | 'sell' = 'buy'): void {
  ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side, orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary', runId: 'run-1', sent: { price: 100, qty: 1 } });
  ledger.orders.changeState({ clientOrderId: cid, from: 'pending_submit', to: 'submitted', event: 'ack', venueOrderId: `v-${cid}` });
  if (end === 'filled') {
    ledger.applyFill(fill('BTC-USD', side, 1, 100, { clientOrderId: cid }));
    ledger.orders.changeState({ clientOrderId: cid, from: 'submitted', to: 'filled', event: 'filled' });
  } else if (end === 'canceled') {
    ledger.orders.changeState({ clientOrderId: cid, from: 'submitted', to: 'canceled', event: 'cancel' });
  }
}

const corrupt = (cid: string, filledQtyE8: number) => ledger.db.prepare('UPDATE orders SET filled_qty_e8 = ? WHERE client_order_id = ?').run(filledQtyE8, cid);
const verdict = (a: RuntimeAssertions, name: string) => a.latest().find((r) => r.name === name);
const failing = (a: RuntimeAssertions) => a.latest().filter((r) => !r.ok).map((r) => r.name);

describe('incremental runtime-assertion checks', () => {
  it('reads the whole run at the first check, then only orders with a new event or fill, and every live order', async () => {
    order('old-1');
    order('old-2', 'filled', 'sell');
    order('resting', 'live');
    const a = checker();
    await a.check();
    expect(a.lastRead()).toEqual({ full: true, orders: 3 });
    await a.check();
    expect(a.lastRead()).toEqual({ full: false, orders: 1 });
    ledger.orders.note('old-1', { event: 'reconciled' });
    await a.check();
    expect(a.lastRead()).toEqual({ full: false, orders: 2 });
    expect(failing(a)).toEqual([]);
  });

  it('catches at the next check an order whose filled quantity changed together with an order event', async () => {
    order('c1');
    const a = checker();
    await a.check();
    corrupt('c1', 50_000_000);
    ledger.orders.note('c1', { event: 'reconciled' });
    await a.check();
    expect(a.lastRead()?.full).toBe(false);
    expect(verdict(a, 'fill_confirmation')).toMatchObject({ ok: false, message: expect.stringContaining('order c1 records 0.5 filled but its fills sum to 1') });
  });

  it('catches at the next check a fill row written for a finished order without booking it on the order', async () => {
    order('c1');
    const a = checker();
    await a.check();
    const id = ledger.orders.idOf('c1');
    ledger.db.prepare(`INSERT INTO fills (venue, venue_fill_id, order_id, mode, instrument, leg, side, qty_e8, price, notional_micros, fee_micros,
      liquidity, realized_micros, venue_ts_ms, recorded_at_ms) VALUES ('paper', 'stray', ?, 'paper', 'BTC-USD', 'outright', 'buy', 10000000, 100, 10000000, 0, 'taker', 0, 0, 0)`).run(id);
    await a.check();
    expect(a.lastRead()?.full).toBe(false);
    expect(verdict(a, 'fill_confirmation')).toMatchObject({ ok: false, message: expect.stringContaining('order c1 records 1 filled but its fills sum to 1.1') });
  });

  it('catches a finished order changed with no event and no fill at the next full check, not before', async () => {
    order('c1');
    const a = checker();
    await a.check();
    corrupt('c1', 50_000_000);
    wall.advance(FULL_CHECK_EVERY_MS - 1);
    await a.check();
    expect(a.lastRead()?.full).toBe(false);
    expect(verdict(a, 'fill_confirmation')?.ok).toBe(true);
    wall.advance(1);
    await a.check();
    expect(a.lastRead()?.full).toBe(true);
    expect(verdict(a, 'fill_confirmation')).toMatchObject({ ok: false, message: expect.stringContaining('order c1') });
  });

  it('runs the full check at once when the wall clock steps backwards, rather than waiting for it to catch up', async () => {
    order('c1');
    const a = checker();
    await a.check();
    wall.advance(10_000);
    await a.check();
    expect(a.lastRead()?.full).toBe(false);
    corrupt('c1', 50_000_000);
    wall.set(T0 - 3_600_000); // an NTP step or a VM resume: an hour back
    await a.check();
    expect(a.lastRead()?.full).toBe(true);
    expect(verdict(a, 'fill_confirmation')).toMatchObject({ ok: false, message: expect.stringContaining('order c1') });
  });

  it('counts checks, not wall time, between full checks when deterministic', async () => {
    order('c1');
    const a = checker({ deterministic: true });
    await a.check();
    corrupt('c1', 50_000_000);
    wall.advance(10 * FULL_CHECK_EVERY_MS);
    for (let i = 1; i < FULL_CHECK_EVERY_CHECKS; i += 1) await a.check();
    expect(a.lastRead()?.full).toBe(false);
    expect(verdict(a, 'fill_confirmation')?.ok).toBe(true);
    await a.check();
    expect(a.lastRead()?.full).toBe(true);
    expect(verdict(a, 'fill_confirmation')?.ok).toBe(false);
  });

  it('keeps a failing order failing on later checks, with nothing new written, until it is fixed', async () => {
    order('c1');
    order('c2', 'filled', 'sell');
    const a = checker();
    await a.check();
    corrupt('c1', 50_000_000);
    ledger.orders.note('c1', { event: 'reconciled' });
    await a.check();
    for (let i = 0; i < 3; i += 1) {
      wall.advance(1_000);
      await a.check();
      expect(a.lastRead()).toEqual({ full: false, orders: 1 });
      expect(verdict(a, 'fill_confirmation')).toMatchObject({ ok: false, message: expect.stringContaining('order c1') });
    }
    corrupt('c1', 100_000_000);
    await a.check();
    expect(verdict(a, 'fill_confirmation')?.ok).toBe(true);
    await a.check();
    expect(a.lastRead()).toEqual({ full: false, orders: 0 });
  });

  it('reads the order an accepted signal was answered with even when it has not changed (a duplicate answer)', async () => {
    order('c1');
    order('c2', 'filled', 'sell');
    const a = checker();
    await a.check();
    const signal: Signal = { instrument: 'BTC-USD', side: 'buy', quantity: 1, orderType: 'limit', limitPrice: 100, signalId: 's-1', intent: 'entry', reason: 'test' };
    a.accepted(signal, { status: 'duplicate', clientOrderId: 'c1' } as ExecuteResult);
    await a.check();
    expect(a.lastRead()).toEqual({ full: false, orders: 1 });
    expect(verdict(a, 'signal_order_mapping')?.ok).toBe(true);
  });

  it('counts a live entry against the capital cap at every check, changed or not', async () => {
    order('resting', 'live');
    let cap = 1_000;
    const a = checker({ capitalCapUsd: () => cap });
    await a.check();
    cap = 50;
    await a.check();
    expect(a.lastRead()?.full).toBe(false);
    expect(verdict(a, 'capital_cap')).toMatchObject({ ok: false, message: expect.stringContaining('open entries 100.00') });
  });

  it('holds pnl_consistency through deposits and withdrawals between checks', async () => {
    const a = checker();
    await a.check();
    ledger.deposit(250, 'mid-run');
    await a.check();
    ledger.withdraw(100, 'mid-run-out');
    wall.advance(1_000);
    await a.check();
    expect(a.lastRead()?.full).toBe(false);
    expect(verdict(a, 'pnl_consistency')?.ok).toBe(true);
  });

  it('reads only the handful of changed and live orders after 5,000 finished ones', async () => {
    ledger.db.transaction(() => {
      for (let i = 0; i < 5_000; i += 1) order(`old-${i}`, 'canceled');
    })();
    const a = checker();
    await a.check();
    expect(a.lastRead()).toEqual({ full: true, orders: 5_000 });
    order('new-1');
    order('new-2', 'live');
    ledger.orders.note('old-17', { event: 'reconciled' });
    await a.check();
    expect(a.lastRead()).toEqual({ full: false, orders: 3 });
    await a.check();
    expect(a.lastRead()).toEqual({ full: false, orders: 1 });
    expect(failing(a)).toEqual([]);
  });
});

describe('AssertionReader', () => {
  it('keeps running totals of external cash equal to the totals of the whole journal across checks', () => {
    const reader = new AssertionReader({ ledger, wallClock: wall, deterministic: false });
    const whole = () => externalOf(ledger.cash.totalsByKind());
    expect(reader.externalMicros(true)).toBe(whole());
    ledger.deposit(500, 'top-up');
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { fee: 0.5 }));
    expect(reader.externalMicros(false)).toBe(whole());
    ledger.withdraw(120.25, 'out');
    expect(reader.externalMicros(false)).toBe(whole());
    expect(reader.externalMicros(false)).toBe(whole());
    ledger.deposit(7, 'again');
    ledger.withdraw(3, 'again-out');
    expect(reader.externalMicros(false)).toBe(whole());
    expect(reader.externalMicros(true)).toBe(whole());
    expect(whole()).toBe(10_000_000_000 + 500_000_000 - 120_250_000 + 7_000_000 - 3_000_000);
  });

  it('blames the orders that fail on their own, and none for a failure that holds without any order', () => {
    const order = (clientOrderId: string, filledQty: number) => ({ clientOrderId, instrument: 'BTC-USD', state: 'filled' as const, qty: 1, filledQty, venueOrderId: 'v', notionalUsd: 100 });
    const books = { equityUsd: 0, realizedUsd: 0, unrealizedUsd: 0, feesUsd: 0, fundingUsd: 0, externalUsd: 0 };
    const state: AssertionState = {
      nowMs: 0, signals: [], orders: [order('good', 1), order('bad', 0.5)], fillQtyByOrder: new Map([['good', 1], ['bad', 1]]), positions: [], venuePositions: null,
      pnl: { start: books, now: books, toleranceUsd: 0.01 }, scope: ['BTC-USD'], capitalCapUsd: 1_000, heartbeat: { previousTickMs: 0, nowMs: 10, maxGapMs: 5 },
    };
    expect(blamedOrders(state, runAssertions(state))).toEqual(['bad']);
    const clean = { ...state, orders: [order('good', 1)] };
    expect(runAssertions(clean).filter((r) => !r.ok).map((r) => r.name)).toEqual(['heartbeat']);
    expect(blamedOrders(clean, runAssertions(clean))).toEqual([]);
    const many = Array.from({ length: 1_000 }, (_, i) => order(`o-${i}`, i === 3 || i === 700 ? 0.5 : 1));
    const crowded = { ...state, orders: many, fillQtyByOrder: new Map(many.map((o) => [o.clientOrderId, 1])) };
    expect(blamedOrders(crowded, runAssertions(crowded))).toEqual(['o-3', 'o-700']);
  });

  it('blames no single order when only their sum breaks the capital cap (live orders are read at every check anyway)', () => {
    const entry = (clientOrderId: string) => ({ clientOrderId, instrument: 'BTC-USD', state: 'submitted' as const, qty: 1, filledQty: 0, venueOrderId: 'v', notionalUsd: 100 });
    const books = { equityUsd: 0, realizedUsd: 0, unrealizedUsd: 0, feesUsd: 0, fundingUsd: 0, externalUsd: 0 };
    const state: AssertionState = {
      nowMs: 0, signals: [], orders: [entry('a'), entry('b'), entry('c')], fillQtyByOrder: new Map(), positions: [], venuePositions: null,
      pnl: { start: books, now: books, toleranceUsd: 0.01 }, scope: ['BTC-USD'], capitalCapUsd: 250, heartbeat: { previousTickMs: null, nowMs: 0, maxGapMs: 5 },
    };
    expect(runAssertions(state).filter((r) => !r.ok).map((r) => r.name)).toEqual(['capital_cap']);
    expect(blamedOrders(state, runAssertions(state))).toEqual([]);
  });
});
