// Specs of execute(): the pipeline from signal to booked fill on the real paper venue, idempotency, dry run, unknown orders, TTL.
import { beforeAll, describe, expect, it } from 'vitest';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type OrderEnv, orderEnvHarness, shippedRules } from '../../helpers/order-env.ts';
import { away, callerFacts, entrySignal, exitSignal, INSTRUMENT } from '../../helpers/paper-session.ts';

let rules: RuleSet;
/** The default rules without position and order-flow caps: several entries into one market in a row are allowed. */
let flowRules: RuleSet;

beforeAll(async () => {
  rules = await shippedRules();
  flowRules = await shippedRules(['kill-switch.yaml', 'execution-quality.yaml', 'market-conditions.yaml']);
});

const open = orderEnvHarness(() => ({ ruleSet: rules }));

async function venueCounts(env: OrderEnv): Promise<{ ordersReceived: number; distinctClientOrderIds: number; fills: number }> {
  return env.paper.stats!();
}

describe('OrderManager.execute: the pipeline', () => {
  it('sends an allowed entry once, books its fill, and records the decision that allowed it', async () => {
    const env = await open();
    const signal = entrySignal(env.event, 'sig-1');
    const result = await env.manager.execute(signal, callerFacts(env.event));
    expect(result.status).toBe('sent');
    expect(result.decision?.outcome).toBe('allow');
    expect(result.decision?.errors).toEqual([]);
    expect(result.order).toMatchObject({ state: 'submitted', sentQty: 0.01, sentPrice: signal.limitPrice });
    expect(result.order?.sentNotionalUsd).toBeCloseTo(0.01 * signal.limitPrice!, 6);
    expect(result.order?.venueOrderId).toMatch(/-o1$/);

    await env.step();
    const order = env.ledger.orders.require(result.clientOrderId!);
    expect(order.state).toBe('filled');
    expect(order.filledQty).toBe(0.01);
    expect(env.ledger.position(INSTRUMENT).qty).toBe(0.01);
    const fills = env.ledger.fills.forOrder(order.id);
    expect(fills).toHaveLength(1);
    expect(fills[0]!.feeUsd).toBeGreaterThan(0);
    expect(order.feesUsd).toBe(fills[0]!.feeUsd);
    expect(env.ledger.cashUsd()).toBeCloseTo((await env.paper.balance()).cashUsd, 6);
    expect(env.ledger.orders.events(order.clientOrderId).map((e) => e.toState)).toEqual(['pending_submit', 'submitted', 'filled']);

    const decision = env.ledger.decisions.get(result.decisionId!);
    expect(decision).toMatchObject({ outcome: 'allow', clientOrderId: result.clientOrderId, ruleSetVersion: rules.version });
    expect(decision?.facts['order.quantity']).toBe(0.01);
    expect(decision?.facts['activity.unknown_orders_for_instrument']).toBe(0);
  });

  it('gives the default rules every fact they read, for an entry and for the exit that closes it', async () => {
    const env = await open();
    const entry = await env.manager.execute(entrySignal(env.event, 'in'), callerFacts(env.event));
    await env.step();
    const exit = await env.manager.execute(exitSignal(env.event, 'out', 0.01), callerFacts(env.event));
    expect([entry.decision?.errors, exit.decision?.errors]).toEqual([[], []]);
    expect(exit.status).toBe('sent');
    expect(env.ledger.decisions.get(exit.decisionId!)?.facts['order.is_entry']).toBe(false);
    await env.step();
    expect(env.ledger.position(INSTRUMENT).qty).toBe(0);
  });

  it('rounds the quantity down to the step and refuses one below the minimum without recording an order', async () => {
    const env = await open();
    const rounded = await env.manager.execute(entrySignal(env.event, 'r', { quantity: 0.012345 }), callerFacts(env.event));
    expect(rounded.order?.sentQty).toBe(0.0123);
    const tiny = await env.manager.execute(entrySignal(env.event, 't', { quantity: 0.00005 }), callerFacts(env.event));
    expect(tiny.status).toBe('invalid');
    expect(tiny.error).toMatchObject({ code: 'ORDER_SIZE_INVALID' });
    expect(env.ledger.orders.get(tiny.clientOrderId!)).toBeUndefined();
  });

  it('keeps the equity the gate judged on (day-start baseline, session start) with the decision, sent or refused', async () => {
    const env = await open();
    const day = new Date(env.event.endTs).toISOString().slice(0, 10);
    expect(env.ledger.equity.dayStart(day)).toBeUndefined();
    const refused = await env.manager.execute(exitSignal(env.event, 'x', 0.01, { side: 'buy' }), callerFacts(env.event));
    expect(refused.status).toBe('refused');
    const seen = env.ledger.decisions.get(refused.decisionId!)!.facts;
    expect(env.ledger.equity.dayStart(day)?.equityMicros).toBe(Math.round((seen['account.day_start_equity_usd'] as number) * 1e6));
    expect(env.ledger.runs.require('run-1').startEquityMicros).toBe(Math.round((seen['account.equity_usd'] as number) * 1e6));

    const sent = await env.manager.execute(entrySignal(env.event, 'in'), callerFacts(env.event));
    expect(sent.status).toBe('sent');
    expect(env.ledger.decisions.get(sent.decisionId!)!.facts['account.day_start_equity_usd']).toBe(seen['account.day_start_equity_usd']);
    expect(env.ledger.equity.between(0, Number.MAX_SAFE_INTEGER).map((s) => s.kind)).toEqual(['day_start', 'session_start']);
  });

  it('refuses an exit that would open a position (exit-must-not-add) and records why', async () => {
    const env = await open();
    const r = await env.manager.execute(exitSignal(env.event, 'x', 0.01, { side: 'buy', limitPrice: away(env.event.quote.askClose, 20) }), callerFacts(env.event));
    expect(r.status).toBe('refused');
    expect(r.decision?.violations.map((v) => v.ruleId)).toEqual(['exit-must-not-add']);
    expect(env.ledger.decisions.get(r.decisionId!)?.outcome).toBe('reject');
    expect(env.venue.placeCalls).toBe(0);
  });
});

describe('OrderManager.execute: idempotency', () => {
  it('submits a duplicate signal once: the second call returns the first order', async () => {
    const env = await open();
    const signal = entrySignal(env.event, 'dup');
    const first = await env.manager.execute(signal, callerFacts(env.event));
    const second = await env.manager.execute(signal, callerFacts(env.event));
    expect(second).toMatchObject({ status: 'duplicate', clientOrderId: first.clientOrderId });
    expect(second.order?.id).toBe(first.order?.id);
    expect(await venueCounts(env)).toMatchObject({ ordersReceived: 1, distinctClientOrderIds: 1 });
  });

  it('submits once across a restart: the same intent after reopening the ledger and venue is a duplicate', async () => {
    const env = await open();
    const signal = entrySignal(env.event, 'restart');
    const first = await env.manager.execute(signal, callerFacts(env.event));
    await env.close();
    const again = await open({ dir: env.dir });
    const second = await again.manager.execute(signal, callerFacts(again.event));
    expect(second).toMatchObject({ status: 'duplicate', clientOrderId: first.clientOrderId });
    expect(await venueCounts(again)).toMatchObject({ ordersReceived: 1, distinctClientOrderIds: 1 });
  });

  it('never resends after an unknown outcome: a retry of the intent is a duplicate and reconciliation resolves it', async () => {
    const env = await open({ ruleSet: flowRules });
    env.venue.failNext({ kind: 'unavailable_after' });
    const signal = entrySignal(env.event, 'lost-answer');
    const first = await env.manager.execute(signal, callerFacts(env.event));
    expect(first).toMatchObject({ status: 'unknown', order: { state: 'unknown' } });
    expect(first.error).toMatchObject({ code: 'VENUE_UNAVAILABLE', kind: 'retry' });
    const retry = await env.manager.execute(signal, callerFacts(env.event));
    expect(retry.status).toBe('duplicate');
    await env.step();
    expect(env.ledger.orders.require(first.clientOrderId!).state).toBe('filled');
    expect(await venueCounts(env)).toMatchObject({ ordersReceived: 1, distinctClientOrderIds: 1, fills: 1 });
    expect(env.ledger.fills.count()).toBe(1);
  });

  it('does not let a retryable refusal (price drift) block a later attempt of the same intent', async () => {
    const env = await open();
    const signal = entrySignal(env.event, 'drift');
    const drifted = callerFacts(env.event);
    const refused = await env.manager.execute(signal, { ...drifted, market: { ...drifted.market, signalPrice: away(env.event.quote.askClose, -100) } });
    expect(refused).toMatchObject({ status: 'refused', retryable: true });
    expect(refused.decision?.violations.map((v) => v.ruleId)).toEqual(['max-price-drift-bps', 'min-edge-at-execution']);
    expect(env.ledger.orders.get(refused.clientOrderId!)).toBeUndefined();
    const later = await env.manager.execute(signal, callerFacts(env.event));
    expect(later).toMatchObject({ status: 'sent', clientOrderId: refused.clientOrderId });
    expect(env.ledger.decisions.list().map((d) => d.outcome)).toEqual(['reject', 'allow']);
  });

  it('marks a refusal on anything but price as not retryable', async () => {
    const env = await open();
    const facts = callerFacts(env.event);
    const r = await env.manager.execute(entrySignal(env.event, 'k'), { ...facts, controls: { ...facts.controls, kill_level: 'pause' } });
    expect(r).toMatchObject({ status: 'refused', retryable: false });
  });
});

describe('OrderManager.execute: unknown orders, dry run, breaker', () => {
  it('blocks new entries on an instrument while an order there is unknown, until reconciliation resolves it', async () => {
    const env = await open({ ruleSet: flowRules });
    env.venue.failNext({ kind: 'timeout_after' });
    const lost = await env.manager.execute(entrySignal(env.event, 'lost'), callerFacts(env.event));
    expect(lost.status).toBe('unknown');
    const blocked = await env.manager.execute(entrySignal(env.event, 'next'), callerFacts(env.event));
    expect(blocked.status).toBe('refused');
    expect(blocked.decision?.violations.map((v) => v.ruleId)).toEqual(['unknown-order-block']);

    const report = await env.manager.reconcile();
    expect(report.changes).toEqual([{ clientOrderId: lost.clientOrderId, from: 'unknown', to: 'submitted' }]);
    const after = await env.manager.execute(entrySignal(env.event, 'next'), callerFacts(env.event));
    expect(after.status).toBe('sent');
    expect(await venueCounts(env)).toMatchObject({ ordersReceived: 2, distinctClientOrderIds: 2 });
  });

  it('blocks entries on an instrument with an unknown order even when no rule says so, and lets exits go', async () => {
    const noBlockRule = await shippedRules(['kill-switch.yaml', 'market-conditions.yaml']);
    expect(noBlockRule.rules.some((r) => r.id === 'unknown-order-block')).toBe(false);
    const env = await open({ ruleSet: noBlockRule });
    // A position to exit: an exit with nothing held would open a short, which is an entry and waits too.
    await env.manager.execute(entrySignal(env.event, 'held'), callerFacts(env.event));
    for (let i = 0; i < 5 && env.ledger.position(INSTRUMENT).qty === 0; i++) await env.step();
    expect(env.ledger.position(INSTRUMENT).qty).toBe(0.01);
    env.venue.failNext({ kind: 'timeout_after' });
    expect((await env.manager.execute(entrySignal(env.event, 'lost'), callerFacts(env.event))).status).toBe('unknown');
    const blocked = await env.manager.execute(entrySignal(env.event, 'next'), callerFacts(env.event));
    expect(blocked).toMatchObject({ status: 'refused', retryable: false, decision: { outcome: 'reject', violations: [] } });
    expect(blocked.decision?.errors.map((e) => e.code)).toEqual(['ORDER_UNKNOWN_ON_INSTRUMENT']);
    const exit = await env.manager.execute(exitSignal(env.event, 'out', 0.01), callerFacts(env.event));
    expect(exit.decision?.errors).toEqual([]);
  });

  it('makes an order unknown when no confirmation comes within the timeout, and adopts the late answer', async () => {
    const env = await open({ ruleSet: flowRules, manager: { ackTimeoutMs: 5_000 } });
    env.venue.failNext({ kind: 'late_after' });
    const pending = env.manager.execute(entrySignal(env.event, 'slow'), callerFacts(env.event));
    await env.timers.untilWaiting();
    env.timers.advance(4_999);
    env.timers.advance(1);
    const result = await pending;
    expect(result).toMatchObject({ status: 'unknown', error: { code: 'ORDER_ACK_TIMEOUT' } });
    env.venue.release();
    // One turn of the event loop lets the released answer reach the manager's queue.
    await new Promise<void>((r) => setImmediate(r));
    await env.manager.idle();
    const order = env.ledger.orders.require(result.clientOrderId!);
    expect(order.state).toBe('submitted');
    expect(env.ledger.orders.events(order.clientOrderId).map((e) => `${e.event}:${e.toState}`)).toEqual([
      'created:pending_submit', 'ack_timeout:unknown', 'venue_ack:submitted',
    ]);
  });

  it('in dry_run does everything but the submit: the order is recorded with what would have been sent, never placed', async () => {
    const env = await open({ mode: 'dry_run' });
    const signal = entrySignal(env.event, 'dry');
    const r = await env.manager.execute(signal, { ...callerFacts(env.event), controls: { ...callerFacts(env.event).controls, trading_mode: 'dry_run' } });
    expect(r.status).toBe('dry_run');
    expect(r.request).toMatchObject({ clientOrderId: r.clientOrderId, quantity: 0.01, limitPrice: signal.limitPrice, type: 'limit' });
    expect(r.order?.state).toBe('canceled');
    const events = env.ledger.orders.events(r.clientOrderId!);
    expect(events.at(-1)).toMatchObject({ event: 'dry_run_not_sent', reason: 'dry_run', payload: r.request });
    expect((await env.manager.execute(signal, callerFacts(env.event))).status).toBe('duplicate');
    expect(env.venue.placeCalls).toBe(0);
    expect(await venueCounts(env)).toMatchObject({ ordersReceived: 0 });
  });

  it('refuses entries while the breaker is tripped, and still sends exits', async () => {
    const env = await open({ ruleSet: flowRules });
    await env.manager.execute(entrySignal(env.event, 'held'), callerFacts(env.event));
    await env.step();
    env.ledger.breaker.trip('operator drill', 'test');
    const entry = await env.manager.execute(entrySignal(env.event, 'more'), callerFacts(env.event));
    expect(entry.status).toBe('refused');
    expect(entry.decision?.errors.map((e) => e.code)).toEqual(['ORDER_BREAKER_TRIPPED']);
    const exit = await env.manager.execute(exitSignal(env.event, 'out', 0.01), callerFacts(env.event));
    expect(exit.status).toBe('sent');
  });

  it('fails closed when the books cannot be valued: an open position with no mark refuses entries', async () => {
    const env = await open({ ruleSet: flowRules });
    await env.manager.execute(entrySignal(env.event, 'held'), callerFacts(env.event));
    await env.step();
    const r = await env.manager.execute(entrySignal(env.event, 'eth', { instrument: 'ETH-USD' }), callerFacts(env.event));
    expect(r.status).toBe('invalid');
    const other = await env.manager.execute(entrySignal(env.event, 'more'), { ...callerFacts(env.event), mark: () => Number.NaN });
    expect(other.status).toBe('refused');
    expect(other.decision?.errors.map((e) => e.code)).toEqual(['ORDER_FACTS_UNAVAILABLE']);
  });
});

describe('OrderManager.tick: TTL and partial fills', () => {
  it('cancels a resting order once its TTL has passed, and the venue agrees', async () => {
    const env = await open({ ruleSet: flowRules });
    env.venue.ignoreTtl = true;
    const limit = away(env.event.quote.bidClose, -100);
    const r = await env.manager.execute(entrySignal(env.event, 'rest', { limitPrice: limit, ttlMs: 120_000 }), callerFacts(env.event));
    expect(r.order?.ttlMs).toBe(120_000);
    await env.step();
    expect(env.ledger.orders.require(r.clientOrderId!).state).toBe('submitted');
    let canceled: readonly string[] = [];
    for (let i = 0; i < 5 && canceled.length === 0; i++) canceled = (await env.step()).ttl.canceled;
    expect(canceled).toEqual([r.clientOrderId]);
    expect(env.ledger.orders.require(r.clientOrderId!).state).toBe('canceled');
    expect((await env.paper.getOrder(r.clientOrderId!))?.status).toBe('canceled');
  });

  it('books partial fills as they come: position, cash and the order move by the filled quantity only', async () => {
    const env = await open({ ruleSet: flowRules, paper: { participation: 0.002 } });
    const limit = env.event.quote.askClose;
    const r = await env.manager.execute(entrySignal(env.event, 'slowfill', { limitPrice: limit, quantity: 0.02 }), callerFacts(env.event));
    let order = env.ledger.orders.require(r.clientOrderId!);
    for (let i = 0; i < 400 && order.state !== 'filled'; i++) {
      await env.step();
      order = env.ledger.orders.require(r.clientOrderId!);
      const fills = env.ledger.fills.forOrder(order.id);
      const filled = fills.reduce((s, f) => s + f.qty, 0);
      expect(order.filledQty).toBeCloseTo(filled, 8);
      expect(env.ledger.position(INSTRUMENT).qty).toBeCloseTo(filled, 8);
    }
    const fills = env.ledger.fills.forOrder(order.id);
    expect(fills.length).toBeGreaterThan(1);
    expect(order.state).toBe('filled');
    const states = env.ledger.orders.events(order.clientOrderId).map((e) => e.toState);
    expect(states.filter((s) => s === 'partially_filled')).toHaveLength(fills.length - 1);
    const paid = fills.reduce((s, f) => s + f.qty * f.price + f.feeUsd, 0);
    expect(env.ledger.cashUsd()).toBeCloseTo(10_000 - paid, 5);
    expect(env.ledger.cashUsd()).toBeCloseTo((await env.paper.balance()).cashUsd, 5);
  });
});
