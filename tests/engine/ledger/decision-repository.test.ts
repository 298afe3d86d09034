// Specs of the decision audit trail: every decision with its violations, rule set version and facts, queryable by time and instrument.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../../engine/types.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
beforeEach(() => {
  env = tempLedgers();
});
afterEach(() => env.cleanup());

const decision = (instrument: string): Decision => ({
  outcome: 'reject',
  violations: [{ ruleId: 'max-position-usd', action: 'reject', message: 'too big', facts: { 'position.after_fill_notional_usd': 150 } }],
  evaluated: [],
  errors: [],
  ruleSetVersion: 'rs-abc',
  evaluatedAt: env.clock.now(),
  context: { appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument, strategy: 'canary' },
});

describe('DecisionRepository', () => {
  it('records a decision with its facts and reads it back intact', () => {
    const { decisions } = env.open();
    const id = decisions.record(decision('BTC-USD'), { facts: { 'order.quantity': 0.1, 'position.after_fill_notional_usd': 150 },
      clientOrderId: 'tg-x', runId: 'r1' });
    expect(decisions.get(id)).toMatchObject({
      outcome: 'reject', ruleSetVersion: 'rs-abc', clientOrderId: 'tg-x', runId: 'r1', tsMs: env.clock.now(),
      violations: [expect.objectContaining({ ruleId: 'max-position-usd' })],
      facts: { 'order.quantity': 0.1, 'position.after_fill_notional_usd': 150 },
      context: expect.objectContaining({ instrument: 'BTC-USD', appliesTo: 'entry' }),
    });
  });

  it('lists decisions by time window and instrument, oldest first', () => {
    const { decisions } = env.open();
    decisions.record(decision('BTC-USD'), { facts: {} });
    env.clock.advance(1000);
    decisions.record(decision('ETH-USD'), { facts: {} });
    decisions.record(decision('BTC-USD'), { facts: {} });
    expect(decisions.list({ instrument: 'BTC-USD' }).map((d) => d.tsMs)).toEqual([env.clock.now() - 1000, env.clock.now()]);
    expect(decisions.list({ sinceMs: env.clock.now() }).map((d) => d.context.instrument)).toEqual(['ETH-USD', 'BTC-USD']);
    expect(decisions.list({ limit: 1 })).toHaveLength(1);
  });

  it('keeps NaN and infinite fact values distinguishable from null in the trail (JSON alone would write null)', () => {
    const { decisions } = env.open();
    const id = decisions.record(decision('BTC-USD'), {
      facts: { 'market.drift_bps': Number.NaN, 'market.edge_bps': Number.POSITIVE_INFINITY, 'order.price': Number.NEGATIVE_INFINITY, 'market.bid': null },
    });
    expect(decisions.get(id)?.facts).toEqual({
      'market.drift_bps': 'NaN', 'market.edge_bps': 'Infinity', 'order.price': '-Infinity', 'market.bid': null,
    });
  });
});
