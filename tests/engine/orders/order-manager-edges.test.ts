// Edges of the order lifecycle the fault suite does not reach: plugins that throw oddly, an ack whose fills cannot be read, a ledger whose commit failed.
import { beforeAll, describe, expect, it } from 'vitest';
import { TradegateError } from '../../../engine/errors.ts';
import type { Page, VenueFill, VenueOrder, VenueOrderRequest } from '../../../engine/plugins/plugin-api.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type OrderEnv, orderEnvHarness, shippedRules } from '../../helpers/order-env.ts';
import { away, callerFacts, entrySignal, exitSignal, INSTRUMENT } from '../../helpers/paper-session.ts';

let flowRules: RuleSet;

beforeAll(async () => {
  flowRules = await shippedRules(['kill-switch.yaml', 'execution-quality.yaml', 'market-conditions.yaml']);
});

// Some tests leave a ledger whose commit failed on purpose: it cannot close cleanly.
const open = orderEnvHarness(() => ({ ruleSet: flowRules }), { ignoreCloseErrors: true });

/** Runs the market on until no order is pending or unknown. */
async function settle(env: OrderEnv): Promise<void> {
  for (let i = 0; i < 20 && env.ledger.orders.inStates(['pending_submit', 'unknown']).length > 0; i++) await env.step();
}

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A value String() cannot turn into text: a venue SDK's bare error record. */
function unprintable(): object {
  return Object.create(null) as object;
}

describe('a venue plugin that throws oddly on placeOrder', () => {
  it('throwing synchronously (a non-async placeOrder): the order leaves pending_submit as unknown, with an event, and blocks its instrument', async () => {
    const env = await open();
    const inner = env.venue.placeOrder.bind(env.venue);
    // Not async: the throw escapes before any promise exists. The request may already be on the wire.
    env.venue.placeOrder = (req: VenueOrderRequest): Promise<VenueOrder> => {
      void inner(req);
      throw new Error('socket write after end');
    };
    const r = await env.manager.execute(entrySignal(env.event, 'sync-throw'), callerFacts(env.event));
    expect(r).toMatchObject({ status: 'unknown', order: { state: 'unknown' } });
    expect(env.ledger.orders.events(r.clientOrderId!).at(-1)).toMatchObject({ event: 'submit_error', toState: 'unknown', reason: 'socket write after end' });
    const next = await env.manager.execute(entrySignal(env.event, 'next'), callerFacts(env.event));
    expect(next.decision?.errors.map((e) => e.code)).toEqual(['ORDER_UNKNOWN_ON_INSTRUMENT']);
    env.venue.placeOrder = inner;
    await settle(env);
    expect(env.ledger.orders.require(r.clientOrderId!).state).toBe('filled');
    expect(await env.paper.stats!()).toMatchObject({ ordersReceived: 1, distinctClientOrderIds: 1 });
  });

  it('rejecting with a value that cannot be printed: the order is unknown with an event, not stuck in pending_submit', async () => {
    const env = await open();
    env.venue.placeOrder = () => Promise.reject(unprintable());
    const r = await env.manager.execute(entrySignal(env.event, 'odd-reject'), callerFacts(env.event));
    expect(r).toMatchObject({ status: 'unknown', order: { state: 'unknown' } });
    expect(r.error).toBeInstanceOf(Error);
    expect(env.ledger.orders.events(r.clientOrderId!).at(-1)).toMatchObject({ event: 'submit_error', toState: 'unknown' });
  });
});

describe('an acknowledgement whose fills cannot be read', () => {
  it('records the ack as unknown (fills missing) instead of throwing with the order left pending_submit; the fill is booked once later', async () => {
    const env = await open();
    const listFills = env.venue.listFills.bind(env.venue);
    let failures = 0;
    env.venue.listFills = (q): Promise<Page<VenueFill>> => {
      if (failures === 0) {
        failures += 1;
        return Promise.reject(new TradegateError('VENUE_UNAVAILABLE', '503 on /fills', { status: 503 }));
      }
      return listFills(q);
    };
    // A fast venue: the ack already reports the order filled, so the manager pulls fills to book them with it.
    const placed = env.venue.placeOrder.bind(env.venue);
    let acked: VenueOrder | undefined;
    env.venue.placeOrder = async (req) => {
      acked = await placed(req);
      return { ...acked, status: 'filled', filledQuantity: req.quantity };
    };
    const r = await env.manager.execute(entrySignal(env.event, 'ack-fills'), callerFacts(env.event));
    expect(r.status).toBe('unknown');
    const order = env.ledger.orders.require(r.clientOrderId!);
    expect(order.state).toBe('unknown');
    expect(env.ledger.orders.events(order.clientOrderId).at(-1)).toMatchObject({ toState: 'unknown', reason: expect.stringMatching(/fills/) });
    const blocked = await env.manager.execute(entrySignal(env.event, 'after'), callerFacts(env.event));
    expect(blocked.decision?.errors.map((e) => e.code)).toEqual(['ORDER_UNKNOWN_ON_INSTRUMENT']);
    await settle(env);
    const done = env.ledger.orders.require(r.clientOrderId!);
    expect(done).toMatchObject({ state: 'filled', venueOrderId: acked!.venueOrderId });
    expect(env.ledger.fills.forOrder(done.id)).toHaveLength(1);
    expect(env.ledger.position(INSTRUMENT).qty).toBe(done.filledQty);
    expect(await env.paper.stats!()).toMatchObject({ ordersReceived: 1, distinctClientOrderIds: 1 });
  });
});

describe('an acknowledgement that cannot be booked as it stands', () => {
  it('an ack whose fill the books refuse (a NaN price) leaves the order unknown with the reason, and the breaker tripped', async () => {
    const env = await open();
    const placed = env.venue.placeOrder.bind(env.venue);
    let acked: VenueOrder | undefined;
    env.venue.placeOrder = async (req) => {
      acked = await placed(req);
      return { ...acked, status: 'filled', filledQuantity: req.quantity };
    };
    env.venue.listFills = async (): Promise<Page<VenueFill>> => ({
      cursor: null,
      items: [{
        venueFillId: 'f-bad', venueOrderId: acked!.venueOrderId!, clientOrderId: acked!.clientOrderId, instrument: INSTRUMENT, side: 'buy',
        quantity: 0.01, price: Number.NaN, feeUsd: 0, liquidity: 'taker', ts: env.clock.now(),
      }],
    });
    await expect(env.manager.execute(entrySignal(env.event, 'bad-fill'), callerFacts(env.event))).rejects.toMatchObject({ kind: 'halt' });
    const order = env.ledger.orders.get(acked!.clientOrderId)!;
    expect(order.state).toBe('unknown');
    expect(env.ledger.orders.events(order.clientOrderId).at(-1)).toMatchObject({ event: 'ack_not_recorded', toState: 'unknown' });
    expect(env.ledger.breaker.isTripped()).toBe(true);
    expect(env.ledger.fills.count()).toBe(0);
  });

  it.each([
    ['an ack with no venueOrderId field at all', (vo: VenueOrder) => { const { venueOrderId: _id, ...rest } = vo; return rest as VenueOrder; }],
    ['no ack object at all (a plugin that forgot to return it)', () => undefined as unknown as VenueOrder],
  ])('%s fails loudly with ORDER_NO_VENUE_ORDER_ID and leaves the order unknown', async (_name, mangle) => {
    const env = await open();
    const placed = env.venue.placeOrder.bind(env.venue);
    env.venue.placeOrder = async (req) => mangle(await placed(req));
    const r = await env.manager.execute(entrySignal(env.event, 'no-id'), callerFacts(env.event));
    expect(r).toMatchObject({ status: 'failed', error: { code: 'ORDER_NO_VENUE_ORDER_ID' }, order: { state: 'unknown', venueOrderId: null } });
    expect(env.ledger.breaker.state().reason).toMatch(/^ORDER_NO_VENUE_ORDER_ID/);
  });
});

describe('a TTL cancel that rejects with a non-Error value', () => {
  it('notes the failed cancel and goes on with the sweep and the rest of the tick', async () => {
    const env = await open();
    env.venue.ignoreTtl = true;
    const r = await env.manager.execute(entrySignal(env.event, 'rest', { limitPrice: away(env.event.quote.bidClose, -100), ttlMs: 60_000 }), callerFacts(env.event));
    expect(r.status).toBe('sent');
    env.venue.cancelOrder = () => Promise.reject(undefined);
    let report: Awaited<ReturnType<OrderEnv['step']>> | undefined;
    for (let i = 0; i < 5 && (report?.ttl.pending.length ?? 0) === 0; i++) report = await env.step();
    expect(report?.ttl.pending).toEqual([r.clientOrderId]);
    expect(env.ledger.orders.events(r.clientOrderId!).at(-1)).toMatchObject({ event: 'ttl_cancel_failed', reason: 'undefined' });
  });
});

describe('after LEDGER_COMMIT_FAILED', () => {
  /** A row whose deferred foreign key fails at COMMIT, slipped into whatever group of deferred writes is open. */
  function poisonOpenGroup(env: OrderEnv): void {
    env.ledger.db.prepare('INSERT INTO probe_child (p) VALUES (7)').run();
  }

  function probeTables(env: OrderEnv): void {
    env.ledger.db.exec('CREATE TABLE probe_parent (id INTEGER PRIMARY KEY); CREATE TABLE probe_child (p INTEGER REFERENCES probe_parent (id) DEFERRABLE INITIALLY DEFERRED)');
  }

  it('refuses every later call, exits included, when the failed commit surfaced in an order\u2019s own transaction', async () => {
    const env = await open();
    probeTables(env);
    const first = await env.manager.execute(entrySignal(env.event, 'a'), callerFacts(env.event));
    expect(first.status).toBe('sent');
    expect(env.ledger.hasDeferred).toBe(true);
    poisonOpenGroup(env);
    // The next order's pending_submit carries the group's commit, which fails: the ack of `a` is gone from disk.
    await expect(env.manager.execute(entrySignal(env.event, 'b'), callerFacts(env.event))).rejects.toMatchObject({ code: 'LEDGER_COMMIT_FAILED' });
    expect(env.ledger.breaker.state().reason).toMatch(/^LEDGER_COMMIT_FAILED/);
    const placeCalls = env.venue.placeCalls;
    const fills = env.ledger.fills.count();
    await expect(env.manager.execute(exitSignal(env.event, 'out', 0.01), callerFacts(env.event))).rejects.toMatchObject({ code: 'LEDGER_COMMIT_FAILED' });
    await expect(env.step()).rejects.toMatchObject({ code: 'LEDGER_COMMIT_FAILED' });
    await expect(env.manager.reconcile()).rejects.toMatchObject({ code: 'LEDGER_COMMIT_FAILED' });
    expect(env.venue.placeCalls).toBe(placeCalls);
    expect(env.ledger.fills.count()).toBe(fills);
  });

  it('refuses the next tick when the end-of-turn commit failed: nothing more is booked on books that lost writes', async () => {
    const env = await open();
    probeTables(env);
    const first = await env.manager.execute(entrySignal(env.event, 'a'), callerFacts(env.event));
    expect(first.status).toBe('sent');
    poisonOpenGroup(env);
    await endOfTurn();
    expect(env.ledger.orders.require(first.clientOrderId!).state).toBe('pending_submit');
    const fills = env.ledger.fills.count();
    await expect(env.step()).rejects.toMatchObject({ code: 'LEDGER_COMMIT_FAILED' });
    expect(env.ledger.fills.count()).toBe(fills);
    expect(env.ledger.breaker.state().reason).toMatch(/^LEDGER_COMMIT_FAILED/);
  });
});

describe('the guard the rules cannot drop', () => {
  it('refuses an order labelled exit that would open a position while the breaker is tripped, even with no exit-must-not-add rule loaded', async () => {
    const env = await open();
    env.ledger.breaker.trip('test: tripped', 'operator');
    const r = await env.manager.execute(exitSignal(env.event, 'not-really-an-exit', 0.01), callerFacts(env.event));
    expect(r.decision?.outcome).toBe('reject');
    expect(r.decision?.errors.map((e) => e.code)).toContain('ORDER_BREAKER_TRIPPED');
    expect(await env.paper.stats!()).toMatchObject({ ordersReceived: 0 });
  });
});

describe('a tick while the venue fills listing is down', () => {
  it('still marks an order past its acknowledgement timeout unknown (blocking its instrument), then reports the outage', async () => {
    const env = await open();
    const cid = 'tg-left-pending';
    env.ledger.orders.insertPending({ clientOrderId: cid, intentKey: 'left', venue: 'paper', instrument: INSTRUMENT, side: 'buy', orderType: 'limit', qty: 0.01, limitPrice: away(env.event.quote.bidClose, -100), strategy: 'canary' });
    env.clock.advance(60_000);
    const down = new TradegateError('VENUE_TIMEOUT', 'fills listing did not answer');
    env.venue.listFills = () => Promise.reject(down);
    await expect(env.manager.tick()).rejects.toBe(down);
    expect(env.ledger.orders.require(cid).state).toBe('unknown');
  });
});
