// Specs for the trade report's queries: every fill of a mode with its order, and the signal facts of the decision that sent each order.
import { afterEach, describe, expect, it } from 'vitest';
import { modeFills, orderReferences } from '../../../engine/runtime/trade-records.ts';
import type { Decision } from '../../../engine/types.ts';
import { type RunFixture, runFixture } from '../../helpers/run-fixture.ts';

let f: RunFixture;
afterEach(() => f.env.cleanup());

function decision(outcome: Decision['outcome'], appliesTo: 'entry' | 'exit'): Decision {
  return {
    outcome, errors: [], ruleSetVersion: 'rs', evaluatedAt: 0, evaluated: [], context: { appliesTo, mode: 'paper' },
    violations: outcome === 'allow' ? [] : [{ ruleId: 'max-price-drift-bps', action: 'reject', message: 'drift', facts: {} }],
  };
}

describe('modeFills', () => {
  it('lists every fill of the mode oldest first, across runs, with its order’s id, strategy and run', () => {
    f = runFixture();
    const fills = modeFills(f.ledger.db, 'paper');
    expect(fills.map((x) => [x.clientOrderId, x.runId, x.instrument, x.side, x.liquidity])).toEqual([
      ['other-run', 'run-0', 'ETH-USD', 'buy', 'taker'],
      ['other-run', 'run-0', 'ETH-USD', 'sell', 'taker'],
      ['buy-1', 'run-1', 'BTC-USD', 'buy', 'taker'],
      ['sell-1', 'run-1', 'BTC-USD', 'sell', 'taker'],
    ]);
    expect(fills[3]).toMatchObject({ strategy: 'canary', qtyE8: 100_000_000, price: 109, feeMicros: 50_000, realizedMicros: 8_500_000 });
  });
});

describe('orderReferences', () => {
  it('takes the signal price and declared edge of the last decision that let the order through, not of a refused retry', () => {
    f = runFixture();
    const facts = (signal: number, edge: number) => ({ 'market.signal_price': signal, 'market.edge_bps': edge, 'order.price': signal, 'order.side': 'buy', 'order.is_entry': true });
    f.ledger.decisions.record(decision('reject', 'entry'), { facts: facts(90, 1), clientOrderId: 'late' });
    f.ledger.decisions.record(decision('allow', 'entry'), { facts: facts(100, 12), clientOrderId: 'late' });
    f.ledger.decisions.record(decision('reject', 'entry'), { facts: facts(110, 2), clientOrderId: 'late' });
    f.ledger.decisions.record(decision('allow', 'exit'), { facts: { 'market.signal_price': 120, 'order.is_entry': false }, clientOrderId: 'out' });
    f.ledger.decisions.record(decision('reject', 'entry'), { facts: facts(130, 3), clientOrderId: 'never-sent' });
    const refs = orderReferences(f.ledger.db, 'paper', new Set(['late', 'out', 'never-sent', 'buy-1']));
    expect(refs.get('late')).toEqual({ signalPrice: 100, edgeBps: 12 });
    // An exit declares no edge.
    expect(refs.get('out')).toEqual({ signalPrice: 120, edgeBps: null });
    expect(refs.get('never-sent')).toEqual({ signalPrice: 130, edgeBps: 3 });
    // The fixture's decisions carry only the touch: no signal price to measure against.
    expect(refs.get('buy-1')).toEqual({ signalPrice: null, edgeBps: null });
    expect(orderReferences(f.ledger.db, 'paper', new Set(['late'])).has('out')).toBe(false);
  });
});
