// Specs of TTL: when an order's time to live is over, and the sweep that cancels it at the venue.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../../engine/ledger/order-repository.ts';
import { ttlExpired } from '../../../engine/orders/ttl.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type OrderEnv, orderEnv, removeEnv, shippedRules } from '../../helpers/order-env.ts';
import { away, callerFacts, entrySignal } from '../../helpers/paper-session.ts';

let rules: RuleSet;
let env: OrderEnv | undefined;
beforeAll(async () => {
  rules = await shippedRules(['kill-switch.yaml', 'execution-quality.yaml']);
});
afterEach(async () => {
  if (!env) return;
  await env.close();
  removeEnv(env);
});

describe('ttlExpired', () => {
  const base = { ttlMs: 1000, submittedAtMs: 5000, createdAtMs: 4000 } as OrderRecord;
  it('counts from the acknowledgement, else from creation; no TTL never expires', () => {
    expect(ttlExpired(base, 5999)).toBe(false);
    expect(ttlExpired(base, 6000)).toBe(true);
    expect(ttlExpired({ ...base, submittedAtMs: null }, 5000)).toBe(true);
    expect(ttlExpired({ ...base, ttlMs: null }, 1e15)).toBe(false);
  });
});

describe('cancelExpired (through tick)', () => {
  it('cancels only orders past their TTL, and a venue that expired one itself ends it expired', async () => {
    env = await orderEnv({ ruleSet: rules });
    await env.manager.start();
    const far = away(env.event.quote.bidClose, -100);
    const short = await env.manager.execute(entrySignal(env.event, 'short', { limitPrice: far, ttlMs: 60_000 }), callerFacts(env.event));
    const long = await env.manager.execute(entrySignal(env.event, 'long', { limitPrice: far, ttlMs: 3_600_000 }), callerFacts(env.event));
    for (let i = 0; i < 3; i++) await env.step();
    expect(['canceled', 'expired']).toContain(env.ledger.orders.require(short.clientOrderId!).state);
    expect(env.ledger.orders.require(long.clientOrderId!).state).toBe('submitted');
    expect((await env.paper.getOrder(short.clientOrderId!))?.status).toBe(env.ledger.orders.require(short.clientOrderId!).state);
  });
});
