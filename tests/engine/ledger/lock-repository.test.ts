// Specs of time-boxed locks: in force until their end on the injected clock, persisted, never shortened by a re-lock.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
beforeEach(() => {
  env = tempLedgers();
});
afterEach(() => env.cleanup());

describe('LockRepository', () => {
  it('holds a lock until its end and releases it by the clock alone', () => {
    const { locks } = env.open();
    locks.lockFor('cooldown:BTC-USD', 60_000, '3 failures in a row', 'rule:cooldown');
    env.clock.advance(59_999);
    expect(locks.isLocked('cooldown:BTC-USD')).toBe(true);
    env.clock.advance(1);
    expect(locks.isLocked('cooldown:BTC-USD')).toBe(false);
    expect(locks.active('cooldown:BTC-USD')).toBeUndefined();
  });

  it('persists across a restart', () => {
    const first = env.open();
    const lock = first.locks.lockFor('lockout:losses', 3_600_000, '4 losses in a row', 'rule:max-losses');
    first.close();
    env.clock.advance(60_000);
    expect(env.open().locks.active('lockout:losses')).toEqual(lock);
  });

  it('never shortens a lock in force, but replaces an expired one', () => {
    const { locks } = env.open();
    const start = env.clock.now();
    locks.lock('s', start + 10_000, 'long', 'a');
    expect(locks.lock('s', start + 1_000, 'short', 'b').untilMs).toBe(start + 10_000);
    env.clock.advance(20_000);
    expect(locks.lock('s', env.clock.now() + 500, 'fresh', 'c').untilMs).toBe(env.clock.now() + 500);
  });

  it('lists active locks, releases on demand and purges expired ones', () => {
    const { locks } = env.open();
    locks.lockFor('a', 100, 'r', 't');
    locks.lockFor('b', 1_000, 'r', 't');
    env.clock.advance(500);
    expect(locks.allActive().map((l) => l.scope)).toEqual(['b']);
    expect(locks.purgeExpired()).toBe(1);
    expect(locks.release('b')).toBe(true);
    expect(locks.allActive()).toEqual([]);
    expect(() => locks.lock('x', Number.NaN, 'r', 't')).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
  });

  it('lists and releases every lock under a scope prefix, expired ones too, and nothing else', () => {
    const { locks } = env.open();
    locks.lockFor('kill-hold:a:pause', 100, 'r', 't');
    locks.lockFor('kill-hold:b:flatten', 1_000, 'r', 't');
    locks.lockFor('kill-holdx', 1_000, 'r', 't');
    locks.lockFor('cooldown:BTC-USD', 1_000, 'r', 't');
    env.clock.advance(500);
    expect(locks.startingWith('kill-hold:').map((l) => l.scope)).toEqual(['kill-hold:a:pause', 'kill-hold:b:flatten']);
    expect(locks.releaseStartingWith('kill-hold:')).toBe(2);
    expect(locks.startingWith('kill-hold')).toEqual([expect.objectContaining({ scope: 'kill-holdx' })]);
    expect(locks.isLocked('cooldown:BTC-USD')).toBe(true);
  });
});
