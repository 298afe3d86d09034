// Specs of the persisted circuit breaker: tripped survives a restart until an operator resets it, with who and when.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
beforeEach(() => {
  env = tempLedgers();
});
afterEach(() => env.cleanup());

describe('BreakerRepository', () => {
  it('starts untripped', () => {
    expect(env.open().breaker.state()).toMatchObject({ name: 'main', tripped: false, reason: null });
  });

  it('stays tripped across a restart until an operator resets it, recording who and when', () => {
    const first = env.open();
    const tripAt = env.clock.now();
    first.breaker.trip('position mismatch BTC-USD: ledger 0.1, venue 0.2', 'reconcile');
    first.close();

    env.clock.advance(3_600_000);
    const second = env.open();
    expect(second.breaker.state()).toMatchObject({ tripped: true, reason: 'position mismatch BTC-USD: ledger 0.1, venue 0.2',
      trippedBy: 'reconcile', trippedAtMs: tripAt });
    expect(second.breaker.reset('operator:alice')).toBe(true);
    second.close();

    const third = env.open();
    expect(third.breaker.state()).toMatchObject({ tripped: false, resetBy: 'operator:alice', resetAtMs: env.clock.now() });
    expect(third.breaker.history().map((e) => [e.action, e.actor])).toEqual([
      ['trip', 'reconcile'],
      ['reset', 'operator:alice'],
    ]);
  });

  it('keeps the first cause while tripped and logs later causes as history', () => {
    const ledger = env.open();
    ledger.breaker.trip('first', 'a');
    env.clock.advance(10);
    ledger.breaker.trip('second', 'b');
    expect(ledger.breaker.state().reason).toBe('first');
    expect(ledger.breaker.history().map((e) => e.reason)).toEqual(['first', 'second']);
  });

  it('reports a reset of an untripped breaker as a no-op, and keeps separate named breakers apart', () => {
    const ledger = env.open();
    expect(ledger.breaker.reset('op')).toBe(false);
    ledger.breaker.trip('feed', 'runtime', 'market-data');
    expect(ledger.breaker.isTripped('market-data')).toBe(true);
    expect(ledger.breaker.isTripped()).toBe(false);
  });

  it('tells a trip whether it opened the breaker, even when another process reset it since the caller looked', () => {
    const session = env.open();
    const operator = env.open();
    expect(session.breaker.trip('assertion pnl_consistency failed', 'assertion:pnl_consistency').opened).toBe(true);
    const sawTripped = session.breaker.isTripped();
    expect(operator.breaker.reset('cli:alice')).toBe(true);
    expect(sawTripped).toBe(true);
    expect(session.breaker.trip('assertion capital_cap failed', 'assertion:capital_cap')).toMatchObject({
      opened: true, tripped: true, reason: 'assertion capital_cap failed',
    });
    expect(operator.breaker.trip('by hand', 'cli:bob')).toMatchObject({ opened: false, reason: 'assertion capital_cap failed' });
  });
});
