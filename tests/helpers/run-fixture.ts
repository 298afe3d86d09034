// A small run written straight into a real ledger (orders, fills, decisions, marks), for the summary and export specs.
import type { Ledger } from '../../engine/ledger/ledger.ts';
import type { Decision, Outcome, Violation } from '../../engine/types.ts';
import { fill, T0, tempLedgers, type TempLedgers } from './temp-ledger.ts';

export interface RunFixture {
  readonly env: TempLedgers;
  readonly ledger: Ledger;
}

function decision(env: TempLedgers, appliesTo: Decision['context']['appliesTo'], outcome: Outcome, violations: readonly Pick<Violation, 'ruleId' | 'action'>[], errors: Decision['errors'] = []): Decision {
  return {
    outcome, errors, ruleSetVersion: 'rs-fixture', evaluatedAt: env.clock.now(), evaluated: [],
    violations: violations.map((v) => ({ ...v, message: `${v.ruleId} fired`, facts: {} })),
    context: { appliesTo, mode: 'paper', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary' },
  };
}

function order(ledger: Ledger, cid: string, side: 'buy' | 'sell', runId: string) {
  return ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side, orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary', runId });
}

/**
 * Run `run-1`, minute by minute from T0: 10,000 USD in; a buy of 1 at 100.5 (touch 100, fee 0.05) marked at 200,
 * 99.5 and 150; a sell of 1 at 109 (touch 110, fee 0.05). Refusals: one entry by two rules, one entry failing
 * closed, plus a reduce-only exit that went through and a tick that fired (neither is a refusal). A second run
 * `run-0` holds an order and fill the summary of run-1 must not count.
 */
export function runFixture(): RunFixture {
  const env = tempLedgers(T0);
  const { clock } = env;
  const ledger = env.open();
  ledger.deposit(10_000, 'opening');
  ledger.startRun({ runId: 'run-0' });
  order(ledger, 'other-run', 'buy', 'run-0');
  ledger.applyFill(fill('ETH-USD', 'buy', 1, 10, { clientOrderId: 'other-run', tsMs: clock.now() }));
  ledger.applyFill(fill('ETH-USD', 'sell', 1, 10, { clientOrderId: 'other-run', tsMs: clock.now() }));
  ledger.startRun({ runId: 'run-1' });
  const mark = (price: number) => ledger.observeEquity((i) => (i === 'BTC-USD' ? price : 10), { snapshot: true });
  const facts = (bid: number, ask: number, isEntry: boolean) => ({ facts: { 'market.bid': bid, 'market.ask': ask, 'order.is_entry': isEntry }, runId: 'run-1' });
  clock.advance(60_000);
  mark(100);
  ledger.decisions.record(decision(env, 'entry', 'allow', []), { ...facts(99.9, 100, true), clientOrderId: 'buy-1' });
  order(ledger, 'buy-1', 'buy', 'run-1');
  ledger.applyFill(fill('BTC-USD', 'buy', 1, 100.5, { clientOrderId: 'buy-1', fee: 0.05, tsMs: clock.now() }));
  clock.advance(60_000);
  mark(200);
  ledger.decisions.record(decision(env, 'entry', 'reject', [{ ruleId: 'max-position-usd', action: 'reject' }, { ruleId: 'kill-switch', action: 'reject' }]), { ...facts(199, 200, true), clientOrderId: 'refused-1' });
  clock.advance(60_000);
  mark(99.5);
  ledger.decisions.record(decision(env, 'entry', 'reject', [], [{ code: 'FACT_MISSING', message: 'fact market.regime is missing' }]), { ...facts(99, 100, true), clientOrderId: 'refused-2' });
  ledger.decisions.record(decision(env, 'tick', 'exit_position', [{ ruleId: 'stop-loss', action: 'exit_position' }]), facts(99, 100, false));
  clock.advance(60_000);
  mark(150);
  ledger.decisions.record(decision(env, 'exit', 'reduce_only', [{ ruleId: 'reduce', action: 'reduce_only' }]), { ...facts(110, 110.5, false), clientOrderId: 'sell-1' });
  order(ledger, 'sell-1', 'sell', 'run-1');
  ledger.applyFill(fill('BTC-USD', 'sell', 1, 109, { clientOrderId: 'sell-1', fee: 0.05, tsMs: clock.now() }));
  clock.advance(60_000);
  mark(109);
  return { env, ledger };
}
