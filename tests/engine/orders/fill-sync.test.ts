// Specs of fill pulls: every page to the end, resumed from where the last pull ended, each fill booked once, foreign fills tripping the breaker.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FillSync } from '../../../engine/orders/fill-sync.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type OrderEnv, orderEnv, removeEnv, shippedRules } from '../../helpers/order-env.ts';
import { away, callerFacts, entrySignal } from '../../helpers/paper-session.ts';
import { tempLedgers } from '../../helpers/temp-ledger.ts';

let rules: RuleSet;
let env: OrderEnv;
beforeAll(async () => {
  rules = await shippedRules(['kill-switch.yaml', 'execution-quality.yaml']);
});
afterEach(async () => {
  await env.close();
  removeEnv(env);
});

async function fivePartialFills(): Promise<void> {
  env = await orderEnv({ ruleSet: rules, paper: { participation: 0.0005 } });
  await env.manager.start();
  const r = await env.manager.execute(entrySignal(env.event, 'p', { limitPrice: env.event.quote.askClose, quantity: 0.02 }), callerFacts(env.event));
  for (let i = 0; i < 300 && ((await env.paper.stats!()).fills < 5); i++) {
    await env.step();
  }
  expect(r.status).toBe('sent');
}

describe('FillSync', () => {
  it('reads every page with small pages, then only what was appended since', async () => {
    await fivePartialFills();
    const ctx = { ledger: env.ledger, venue: 'paper', clock: env.clock };
    const sync = new FillSync(ctx, env.paper, { pageLimit: 2 });
    const first = await sync.sync('reconcile');
    const total = (await env.paper.stats!()).fills;
    expect(first).toMatchObject({ fetched: total, applied: 0, duplicates: total });
    expect(first.orders.size).toBe(0);
    expect(await sync.sync('reconcile')).toMatchObject({ fetched: 0 });
    sync.restart();
    expect((await sync.sync('reconcile')).fetched).toBe(total);
  });

  it('books each venue fill once even when pulled twice, and leaves the position equal to the venue\u2019s', async () => {
    await fivePartialFills();
    const ledgerFills = env.ledger.fills.count();
    const again = new FillSync({ ledger: env.ledger, venue: 'paper', clock: env.clock }, env.paper, { pageLimit: 3 });
    await again.sync('reconcile');
    expect(env.ledger.fills.count()).toBe(ledgerFills);
  });

  it('hands back each order its fills moved, as the last of them left it', async () => {
    await fivePartialFills();
    const [order] = env.ledger.orders.inStates(['partially_filled', 'filled']);
    const fresh = tempLedgers(env.clock.now());
    try {
      const ledger = fresh.open();
      ledger.orders.insertPending({ clientOrderId: order!.clientOrderId, intentKey: order!.intentKey, venue: 'paper', instrument: order!.instrument,
        side: order!.side, orderType: order!.orderType, qty: order!.qty, strategy: order!.strategy, sent: { price: order!.sentPrice!, qty: order!.sentQty! } });
      const report = await new FillSync({ ledger, venue: 'paper', clock: fresh.clock }, env.paper, { pageLimit: 2 }).sync('venue');
      expect(report.applied).toBeGreaterThanOrEqual(5);
      expect(report.orders.get(order!.clientOrderId)).toEqual(ledger.orders.require(order!.clientOrderId));
      expect(report.orders.get(order!.clientOrderId)?.filledQty).toBeCloseTo(order!.filledQty, 8);
    } finally {
      fresh.cleanup();
    }
    expect(env.ledger.position('BTC-USD').qty).toBeCloseTo((await env.paper.positions())[0]!.quantity, 8);
  });

  it('books a fill of an order the ledger never sent, and trips the breaker naming it', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    const limitPrice = away(env.event.quote.askClose, 20);
    await env.paper.placeOrder({ clientOrderId: 'tg-foreign', instrument: 'BTC-USD', side: 'buy', type: 'limit', quantity: 0.01, limitPrice, reduceOnly: false });
    await env.step();
    const fills = env.ledger.fills.all();
    expect(fills.map((f) => [f.orderId, f.qty])).toEqual([[null, 0.01]]);
    expect(env.ledger.breaker.state()).toMatchObject({ tripped: true, reason: expect.stringContaining('tg-foreign') });
    const again = await new FillSync({ ledger: env.ledger, venue: 'paper', clock: env.clock }, env.paper, { pageLimit: 100 }).sync('reconcile');
    expect(again).toMatchObject({ fetched: 1, applied: 0, duplicates: 1 });
  });
});
