// Specs of sending one persisted order: acknowledged with its fills in one transaction, refused, unknown, or failed loudly without an id.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type OrderEnv, orderEnv, removeEnv, shippedRules } from '../../helpers/order-env.ts';
import { callerFacts, entrySignal } from '../../helpers/paper-session.ts';

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
