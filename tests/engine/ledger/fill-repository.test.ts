// Specs of the fill store: one row per venue fill id, reads by order and by venue id, in instrument units and USD.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { type FillRow, FillRepository } from '../../../engine/ledger/fill-repository.ts';
import { migrate } from '../../../engine/ledger/migrations.ts';

let db: Database.Database;
let fills: FillRepository;
const row: FillRow = {
  venue: 'kalshi', venueFillId: 'T-1', orderId: null, instrument: 'KX-A', leg: 'yes', side: 'buy_yes', qtyE8: 1_000_000_000,
  price: 0.42, notionalMicros: 4_200_000, feeMicros: 70_000, liquidity: 'taker', realizedMicros: 0, venueTsMs: 5, recordedAtMs: 6,
};
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, new ManualClock(1));
  fills = new FillRepository(db, 'paper');
});
afterEach(() => db.close());

describe('FillRepository', () => {
  it('inserts a fill once and returns null for the same venue fill id again', () => {
    expect(fills.insert(row)).toBe(1);
    expect(fills.insert({ ...row, qtyE8: 5 })).toBeNull();
    expect(fills.count()).toBe(1);
    expect(fills.byVenueFillId('kalshi', 'T-1')).toMatchObject({ qty: 10, price: 0.42, notionalUsd: 4.2, feeUsd: 0.07, mode: 'paper' });
  });

  it('treats the same id on another venue as another fill', () => {
    fills.insert(row);
    expect(fills.insert({ ...row, venue: 'polymarket' })).toBe(2);
    expect(fills.all().map((f) => f.venue)).toEqual(['kalshi', 'polymarket']);
  });
});
