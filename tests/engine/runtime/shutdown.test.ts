// Specs for winding down on real parts (paper venue, order manager, SQLite): every open order canceled at the venue and booked so, within the bound.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { TradegateError } from '../../../engine/errors.ts';
import { realSleep } from '../../../engine/market/sleep.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { LIVE_ORDER_STATES } from '../../../engine/runtime/position-tracker.ts';
import { cancelOpenOrders, windDown } from '../../../engine/runtime/shutdown.ts';
import { type OrderEnv, orderEnv, removeEnv, shippedRules } from '../../helpers/order-env.ts';
import { away, callerFacts, entrySignal } from '../../helpers/paper-session.ts';

let rules: RuleSet;
beforeAll(async () => {
  rules = await shippedRules(['kill-switch.yaml', 'execution-quality.yaml', 'market-conditions.yaml']);
});

let env: OrderEnv;
afterEach(async () => {
  await env.close();
  removeEnv(env);
});

/** Two limit buys resting 2% under the bid: they will not fill on their own. */
async function restingOrders(): Promise<string[]> {
  env = await orderEnv({ ruleSet: rules });
  await env.manager.start();
  const ids: string[] = [];
  for (const id of ['rest-1', 'rest-2']) {
    const r = await env.manager.execute(entrySignal(env.event, id, { quantity: 0.001, limitPrice: away(env.event.quote.bidClose, -200), edgeBps: 40 }), callerFacts(env.event));
    expect(r.status).toBe('sent');
    ids.push(r.clientOrderId!);
  }
  await env.step();
  return ids;
}

const deps = () => ({ orders: env.ledger.orders, venue: env.venue, manager: env.manager, wallClock: systemClock, sleep: realSleep });

describe('windDown', () => {
  it('cancels every open order at the venue and books the cancels, leaving nothing live on either side', async () => {
    const ids = await restingOrders();
    const report = await windDown(deps());
    expect(report.requested).toEqual(ids);
    expect(report).toMatchObject({ failed: [], stillLive: [] });
    expect(ids.map((id) => env.ledger.orders.require(id).state)).toEqual(['canceled', 'canceled']);
    expect(env.ledger.orders.inStates(LIVE_ORDER_STATES)).toEqual([]);
    expect((await env.paper.listOrders({ openOnly: true })).items).toEqual([]);
  });

  it('has nothing to do when nothing is open', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    expect(await cancelOpenOrders(deps())).toEqual({ requested: [], failed: [] });
  });

  it('reports a cancel the venue refused, and stops waiting at the bound with the order still named', async () => {
    const ids = await restingOrders();
    // The network in front of the venue drops every cancel: the orders stay live there and in the ledger.
    const unreachable = { cancelOrder: async (id: string) => Promise.reject(new TradegateError('VENUE_UNAVAILABLE', `503 for the cancel of ${id}`)) };
    const report = await windDown({ ...deps(), venue: unreachable }, 300);
    expect(report.failed.map((f) => f.clientOrderId)).toEqual(ids);
    expect(report.stillLive).toEqual(ids);
    expect(report.waitedMs).toBeGreaterThanOrEqual(300);
  });
});
