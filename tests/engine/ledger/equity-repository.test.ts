// Specs of equity snapshots: one day_start per UTC day (the first wins), latest and time-range reads.
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

const snap = (equity: number) => ({ utcDay: '2024-03-10', equityMicros: equity, cashMicros: equity, positionsValueMicros: 0 });

describe('EquityRepository', () => {
  it('keeps the first day_start of a day and ignores later ones', () => {
    expect(ledger.equity.record({ kind: 'day_start', ...snap(100) })).toBe(true);
    expect(ledger.equity.record({ kind: 'day_start', ...snap(90) })).toBe(false);
    expect(ledger.equity.dayStart('2024-03-10')?.equityMicros).toBe(100);
    expect(ledger.equity.dayStart('2024-03-11')).toBeUndefined();
  });

  it('stamps snapshots with the clock and reads them back by time', () => {
    ledger.equity.record({ kind: 'mark', ...snap(1) });
    env.clock.advance(1000);
    ledger.equity.record({ kind: 'mark', ...snap(2), runId: 'r' });
    expect(ledger.equity.latest()).toMatchObject({ equityMicros: 2, runId: 'r', tsMs: env.clock.now() });
    expect(ledger.equity.between(env.clock.now(), env.clock.now() + 1).map((s) => s.equityMicros)).toEqual([2]);
  });
});
