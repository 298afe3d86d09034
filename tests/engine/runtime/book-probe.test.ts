// Specs for the look into another process's books: open positions, live orders, and entries the gate allowed under a kill level.
import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerFileFor } from '../../../engine/ledger/database.ts';
import { entriesAllowedUnderKill, isFlat, readBook } from '../../../engine/runtime/book-probe.ts';
import type { Decision } from '../../../engine/types.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
afterEach(() => env.cleanup());

function decision(outcome: Decision['outcome'], appliesTo: 'entry' | 'exit'): Decision {
  return { outcome, errors: [], ruleSetVersion: 'rs', evaluatedAt: 0, evaluated: [], violations: [], context: { appliesTo, mode: 'paper' } };
}

describe('readBook', () => {
  it('is null before the ledger exists, then counts positions held, live orders, orders and fills', () => {
    env = tempLedgers();
    expect(readBook(env.dir, 'paper')).toBeNull();
    const ledger = env.open();
    ledger.deposit(1_000);
    const order = (cid: string) => ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary' });
    order('held');
    order('resting');
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { clientOrderId: 'held' }));
    expect(readBook(env.dir, 'paper')).toEqual({ openPositions: 1, liveOrders: 2, orders: 2, fills: 1 });
    expect(isFlat(readBook(env.dir, 'paper'))).toBe(false);
    // Another mode's books are another file.
    expect(readBook(env.dir, 'dry_run')).toBeNull();
  });

  it('is null while the session has created the ledger file but not yet given it a schema', () => {
    env = tempLedgers();
    writeFileSync(ledgerFileFor(env.dir, 'paper'), '');
    expect(readBook(env.dir, 'paper')).toBeNull();
    expect(entriesAllowedUnderKill(env.dir, 'paper')).toBe(0);
  });

  it('reads read-only and tidies up: no -wal or -shm left beside a ledger no session has open', () => {
    env = tempLedgers();
    env.open().close();
    const file = ledgerFileFor(env.dir, 'paper');
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(readBook(env.dir, 'paper')).toEqual({ openPositions: 0, liveOrders: 0, orders: 0, fills: 0 });
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
  });

  it('calls a book flat only when nothing is held and nothing is live', () => {
    env = tempLedgers();
    expect(isFlat({ openPositions: 0, liveOrders: 0, orders: 3, fills: 2 })).toBe(true);
    expect(isFlat({ openPositions: 0, liveOrders: 1, orders: 3, fills: 2 })).toBe(false);
    expect(isFlat(null)).toBe(false);
  });
});

describe('entriesAllowedUnderKill', () => {
  it('counts only entries the gate allowed while it saw a kill level', () => {
    env = tempLedgers();
    const ledger = env.open();
    const facts = (level: string) => ({ facts: { 'controls.kill_level': level } });
    ledger.decisions.record(decision('allow', 'entry'), facts('none'));
    ledger.decisions.record(decision('allow', 'entry'), facts('pause'));
    ledger.decisions.record(decision('reject', 'entry'), facts('pause'));
    ledger.decisions.record(decision('allow', 'exit'), facts('flatten'));
    expect(entriesAllowedUnderKill(env.dir, 'paper')).toBe(1);
    expect(entriesAllowedUnderKill(env.dir, 'dry_run')).toBe(0);
  });
});
