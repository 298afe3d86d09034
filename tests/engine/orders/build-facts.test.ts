// Specs of fact gathering: every catalog fact an order can be judged on is present and finite, or its namespace is missing on purpose.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { ActivityTracker } from '../../../engine/orders/activity.ts';
import { buildOrderFacts, type FactsInput } from '../../../engine/orders/build-facts.ts';
import { flattenSnapshot } from '../../../engine/orders/order-facts.ts';
import { FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';
import { callerFacts, entrySignal, shippedEvents } from '../../helpers/paper-session.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

const event = shippedEvents()[100]!;
const ORDER_TIME = ['order', 'market', 'position', 'account', 'activity', 'controls', 'feed', 'execution', 'time'];
let env: TempLedgers;
let ledger: Ledger;

beforeEach(() => {
  env = tempLedgers(event.endTs);
  ledger = env.open();
  ledger.deposit(10_000);
  ledger.startRun({ runId: 'r' });
});
afterEach(() => env.cleanup());

function input(extra: Partial<FactsInput> = {}): FactsInput {
  return {
    signal: entrySignal(event, 's'), sized: { quantity: 0.01, limitPrice: event.quote.askClose }, context: callerFacts(event), ledger,
    activity: new ActivityTracker(), venue: 'paper', venueBalanceUsd: 10_000, marketSlippageBps: 10, nowMs: event.endTs, ...extra,
  };
}

describe('buildOrderFacts', () => {
  it('gives every catalog fact of every namespace an order is judged on, each of the catalog type and finite', () => {
    const built = buildOrderFacts(input());
    expect(built.errors).toEqual([]);
    const flat = flattenSnapshot(built.snapshot);
    for (const spec of FACT_CATALOG.values()) {
      if (!ORDER_TIME.includes(spec.path.split('.')[0]!)) continue;
      const value = flat[spec.path];
      expect(value, spec.path).toBeDefined();
      if (spec.type === 'number') expect(Number.isFinite(value), spec.path).toBe(true);
      else if (spec.type === 'string[]') expect(Array.isArray(value), spec.path).toBe(true);
      else expect(typeof value, spec.path).toBe(spec.type);
    }
    expect(flat).toMatchObject({ 'order.is_entry': true, 'account.cash_usd': 10_000, 'position.after_fill_quantity': 0.01, 'activity.unknown_orders_for_instrument': 0 });
  });

  it('leaves account and position out, with ORDER_FACTS_UNAVAILABLE, when the books cannot be valued', () => {
    ledger.applyFill({ venue: 'paper', venueFillId: 'f', instrument: 'ETH-USD', side: 'buy', qty: 1, price: 400, fee: 0, liquidity: 'taker', tsMs: event.endTs });
    const built = buildOrderFacts(input());
    expect(built.errors.map((e) => e.code)).toEqual(['ORDER_FACTS_UNAVAILABLE']);
    expect(built.errors[0]!.message).toMatch(/LEDGER_MARK_MISSING/);
    expect(built.snapshot['account']).toBeUndefined();
    expect(buildOrderFacts(input({ context: { ...callerFacts(event), mark: (i) => (i === 'ETH-USD' ? 400 : undefined) } })).errors).toEqual([]);
  });

  it('counts unknown orders of the instrument from the ledger', () => {
    ledger.orders.insertPending({ clientOrderId: 'u', intentKey: 'u', venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, strategy: 's' });
    ledger.orders.changeState({ clientOrderId: 'u', from: 'pending_submit', to: 'unknown', event: 'ack_timeout' });
    expect(flattenSnapshot(buildOrderFacts(input()).snapshot)['activity.unknown_orders_for_instrument']).toBe(1);
  });
});
