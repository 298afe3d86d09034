// Specs of sending one persisted order: acknowledged with its fills in one deferred unit, refused, unknown, or failed loudly without an id.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type OrderEnv, orderEnv, removeEnv, shippedRules } from '../../helpers/order-env.ts';
import { callerFacts, entrySignal, INSTRUMENT } from '../../helpers/paper-session.ts';

let rules: RuleSet;
let env: OrderEnv;
beforeAll(async () => {
  rules = await shippedRules(['kill-switch.yaml']);
});
afterEach(async () => {
  await env.close();
  removeEnv(env);
});

describe('SendOrder (through execute)', () => {
  it('records the venue refusal as rejected, with the venue\u2019s reason, and counts it as a failure', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    const r = await env.manager.execute(entrySignal(env.event, 'big', { quantity: 5 }), callerFacts(env.event));
    expect(r).toMatchObject({ status: 'rejected', order: { state: 'rejected' }, error: { code: 'VENUE_ORDER_REJECTED' } });
    expect(env.ledger.orders.events(r.clientOrderId!).at(-1)).toMatchObject({ event: 'venue_reject', source: 'venue', reason: expect.stringMatching(/^VENUE_ORDER_REJECTED: .*insufficient/) });
    expect(env.manager.activity.failures(env.clock.now()).consecutive).toBe(1);
  });

  it('marks a send whose answer was lost as unknown and keeps the venue\u2019s error', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    env.venue.failNext({ kind: 'rate_limited' });
    const r = await env.manager.execute(entrySignal(env.event, 'busy'), callerFacts(env.event));
    expect(r).toMatchObject({ status: 'unknown', error: { code: 'VENUE_RATE_LIMITED' } });
    expect(env.ledger.orders.events(r.clientOrderId!).at(-1)).toMatchObject({ event: 'submit_error', toState: 'unknown' });
  });
});

/** The order's state as another process (or a crash right now) would find it: committed rows only. */
function committedState(path: string, clientOrderId: string): string | undefined {
  const other = new Database(path, { readonly: true });
  try {
    return other.prepare<[string], { state: string }>('SELECT state FROM orders WHERE client_order_id = ?').get(clientOrderId)?.state;
  } finally {
    other.close();
  }
}

const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SendOrder: the acknowledgement commits with the next write', () => {
  it('commits pending_submit before the venue call and the acknowledgement by the end of the turn', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    const r = await env.manager.execute(entrySignal(env.event, 'ack'), callerFacts(env.event));
    expect(r).toMatchObject({ status: 'sent', order: { state: 'submitted' } });
    expect(env.ledger.hasDeferred).toBe(true);
    expect(committedState(env.ledger.path, r.clientOrderId!)).toBe('pending_submit');
    await endOfTurn();
    expect(env.ledger.hasDeferred).toBe(false);
    expect(committedState(env.ledger.path, r.clientOrderId!)).toBe('submitted');
  });

  it('commits one order\u2019s acknowledgement with the next order\u2019s pending_submit, in one transaction', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    const first = await env.manager.execute(entrySignal(env.event, 'one'), callerFacts(env.event));
    const second = await env.manager.execute(entrySignal(env.event, 'two'), callerFacts(env.event));
    // The second order's own acknowledgement is deferred again, but the first's rode its pending_submit.
    expect(committedState(env.ledger.path, first.clientOrderId!)).toBe('submitted');
    expect(committedState(env.ledger.path, second.clientOrderId!)).toBe('pending_submit');
  });

  it('learns an acknowledgement lost in a crash again at startup, and sends nothing twice', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    const r = await env.manager.execute(entrySignal(env.event, 'lost'), callerFacts(env.event));
    expect(r.status).toBe('sent');
    // What a SIGKILL now would leave on disk: the ledger with the acknowledgement not yet committed, the venue's own state.
    const crashed = mkdtempSync(join(tmpdir(), 'tg-crash-'));
    try {
      cpSync(env.dir, crashed, { recursive: true });
      const restarted = await orderEnv({ ruleSet: rules, dir: crashed });
      try {
        expect(restarted.ledger.orders.require(r.clientOrderId!).state).toBe('pending_submit');
        await restarted.manager.start();
        // The restarted venue sees its first bar again, which fills the resting order: booked once, as the venue holds it.
        const order = restarted.ledger.orders.require(r.clientOrderId!);
        expect(order).toMatchObject({ state: 'filled', venueOrderId: r.order!.venueOrderId });
        expect(restarted.ledger.fills.forOrder(order.id)).toHaveLength(1);
        expect(restarted.ledger.position(INSTRUMENT).qty).toBe((await restarted.paper.positions()).find((p) => p.instrument === INSTRUMENT)?.quantity);
        const again = await restarted.manager.execute(entrySignal(restarted.event, 'lost'), callerFacts(restarted.event));
        expect(again.status).toBe('duplicate');
        expect(await restarted.paper.stats!()).toMatchObject({ ordersReceived: 1, distinctClientOrderIds: 1 });
      } finally {
        await restarted.close();
      }
    } finally {
      rmSync(crashed, { recursive: true, force: true });
    }
  });
});
