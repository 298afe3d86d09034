// Specs of the breaker service: a failed assertion opens the stored breaker naming it, announced once; resets are an operator's, announced too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../engine/bus.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { Breaker } from '../../../engine/runtime/breaker.ts';
import type { AssertionOutcome } from '../../../engine/trading-events.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let bus: EventBus;
let seen: string[];

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  bus = new EventBus();
  seen = [];
  bus.on('assertion.failed', (e) => void seen.push(`assertion.failed:${e.name}`));
  bus.on('breaker.tripped', (e) => void seen.push(`breaker.tripped:${e.actor}`));
  bus.on('breaker.reset', (e) => void seen.push(`breaker.reset:${e.actor}`));
  bus.on('assertions.checked', () => void seen.push('assertions.checked'));
});
afterEach(() => env.cleanup());

const ok = (name: string): AssertionOutcome => ({ name, ok: true, message: null });
const bad = (name: string, message: string): AssertionOutcome => ({ name, ok: false, message });

describe('Breaker.applyAssertions', () => {
  it('leaves the breaker closed while every assertion holds', () => {
    const breaker = new Breaker({ repository: ledger.breaker, bus });
    expect(breaker.applyAssertions([ok('heartbeat'), ok('capital_cap')])).toMatchObject({ tripped: false, newlyFailed: [] });
    expect(seen).toEqual(['assertions.checked']);
  });

  it('opens the stored breaker naming the failed assertion, and announces it once while it keeps failing', () => {
    const breaker = new Breaker({ repository: ledger.breaker, bus });
    const verdict = breaker.applyAssertions([ok('heartbeat'), bad('venue_order_ids_present', 'order c2 is submitted with no venue order id')]);
    expect(verdict.tripped).toBe(true);
    expect(ledger.breaker.state()).toMatchObject({
      tripped: true,
      reason: 'assertion venue_order_ids_present failed: order c2 is submitted with no venue order id',
      trippedBy: 'assertion:venue_order_ids_present',
    });
    expect(seen).toEqual(['assertions.checked', 'assertion.failed:venue_order_ids_present', 'breaker.tripped:assertion:venue_order_ids_present']);
    breaker.applyAssertions([bad('venue_order_ids_present', 'still')]);
    expect(seen.filter((e) => e.startsWith('assertion.failed'))).toHaveLength(1);
    expect(ledger.breaker.history()).toHaveLength(1);
  });

  it('stays tripped across a restart until an operator resets it, and trips again on a new failure', () => {
    new Breaker({ repository: ledger.breaker, bus }).applyAssertions([bad('pnl_consistency', 'off by 5')]);
    const restarted = new Breaker({ repository: env.open().breaker, bus });
    expect(restarted.isTripped()).toBe(true);
    expect(restarted.reset('cli:alice@h')).toBe(true);
    expect(restarted.reset('cli:alice@h')).toBe(false);
    expect(seen).toContain('breaker.reset:cli:alice@h');
    restarted.applyAssertions([bad('pnl_consistency', 'off by 5')]);
    expect(restarted.isTripped()).toBe(true);
  });

  it('announces a second assertion failing while the breaker is already open, without a second trip announcement', () => {
    const breaker = new Breaker({ repository: ledger.breaker, bus });
    breaker.applyAssertions([bad('heartbeat', 'stalled')]);
    breaker.applyAssertions([bad('heartbeat', 'stalled'), bad('capital_cap', 'too much')]);
    expect(seen.filter((e) => e.startsWith('assertion.failed'))).toEqual(['assertion.failed:heartbeat', 'assertion.failed:capital_cap']);
    expect(seen.filter((e) => e.startsWith('breaker.tripped'))).toHaveLength(1);
    expect(ledger.breaker.state().reason).toContain('heartbeat');
  });
});

describe('Breaker.trip', () => {
  it('announces a trip that opened the breaker even when another process reset it between a read and the write', () => {
    const breaker = new Breaker({ repository: ledger.breaker, bus });
    breaker.trip('first cause', 'session');
    // `engine breaker reset` from another process lands after the session last looked: it still believes the breaker is open.
    const stale = { ...ledger.breaker, trip: ledger.breaker.trip.bind(ledger.breaker), state: ledger.breaker.state.bind(ledger.breaker), isTripped: () => true };
    ledger.breaker.reset('operator');
    const racing = new Breaker({ repository: stale as unknown as typeof ledger.breaker, bus });
    seen = [];
    expect(racing.trip('second cause', 'session')).toMatchObject({ tripped: true, reason: 'second cause' });
    expect(seen).toEqual(['breaker.tripped:session']);
  });
});
