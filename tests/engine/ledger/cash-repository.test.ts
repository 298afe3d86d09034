// Specs of the cash journal: running balance on every row, references posted once per kind, totals per kind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
});
afterEach(() => env.cleanup());

describe('CashRepository', () => {
  it('carries the running balance on every row', () => {
    ledger.cash.append({ kind: 'deposit', amountMicros: 5_000_000 });
    ledger.cash.append({ kind: 'fee', amountMicros: -250_000, reference: 'x' });
    ledger.cash.append({ kind: 'rebate', amountMicros: 50_000, reference: 'x' });
    expect(ledger.cash.list().map((m) => m.balanceAfterUsd)).toEqual([5, 4.75, 4.8]);
    expect(ledger.cash.balanceMicros()).toBe(4_800_000);
    expect(ledger.cash.totalsByKind()).toMatchObject({ deposit: 5_000_000, fee: -250_000, rebate: 50_000, funding: 0 });
  });

  it('refuses the same reference twice for one kind, and a non-integer amount', () => {
    ledger.cash.append({ kind: 'funding', amountMicros: 1, reference: 'fund-1' });
    expect(() => ledger.cash.append({ kind: 'funding', amountMicros: 1, reference: 'fund-1' })).toThrow(/UNIQUE/);
    expect(() => ledger.cash.append({ kind: 'fee', amountMicros: 0.5 })).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
    expect(ledger.cash.byReference('funding', 'fund-1')?.amountUsd).toBe(0.000001);
  });

  it('validates deposits and withdrawals through the ledger', () => {
    ledger.deposit(100);
    ledger.withdraw(40);
    expect(ledger.cashUsd()).toBe(60);
    expect(() => ledger.deposit(-1)).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
    expect(() => ledger.withdraw(0)).toThrow(expect.objectContaining({ code: 'LEDGER_INVALID_AMOUNT' }));
  });
});
