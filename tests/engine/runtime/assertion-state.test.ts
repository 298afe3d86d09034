// Specs of reading the assertions' inputs from a real ledger: PnL parts that add up through fills, fees and funding, the run's orders and fill sums.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { assertedPositions, pnlBooks, RunOrderReads } from '../../../engine/runtime/assertion-state.ts';
import { pnlConsistency, runAssertions } from '../../../engine/runtime/assertions.ts';
import { fill, type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let price = 100;
const mark = () => price;

beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  price = 100;
  ledger.deposit(10_000, 'seed');
});
afterEach(() => env.cleanup());

function order(cid: string, qty: number, runId = 'run-1'): void {
  ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty, limitPrice: 100, strategy: 'canary', runId });
  ledger.orders.changeState({ clientOrderId: cid, from: 'pending_submit', to: 'submitted', event: 'ack', venueOrderId: `v-${cid}` });
}

describe('pnlBooks', () => {
  it('adds up with the equity through buys, a partial sale, fees, funding and a deposit', () => {
    const start = pnlBooks(ledger, mark);
    ledger.applyFill(fill('BTC-USD', 'buy', 2, 100, { fee: 0.4 }));
    price = 110;
    ledger.applyFill(fill('BTC-USD', 'sell', 0.5, 112, { fee: 0.1 }));
    ledger.applyFunding({ instrument: 'BTC-USD', rate: 0.0001, markPrice: 110, reference: 'fund-1' });
    ledger.deposit(500, 'top-up');
    price = 95;
    const now = pnlBooks(ledger, mark);
    expect(now.realizedUsd).toBeCloseTo(6, 6);
    expect(now.externalUsd - start.externalUsd).toBe(500);
    expect(pnlConsistency({ pnl: { start, now, toleranceUsd: 0.000001 } } as Parameters<typeof pnlConsistency>[0])).toMatchObject({ ok: true });
  });

  it('catches cash that moved without a fill behind it', () => {
    const start = pnlBooks(ledger, mark);
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100));
    ledger.db.prepare("INSERT INTO cash_movements (mode, kind, amount_micros, balance_after_micros, ts_ms) VALUES ('paper', 'trade', -5000000, 9895000000, 1)").run();
    const now = pnlBooks(ledger, mark);
    const verdict = pnlConsistency({ pnl: { start, now, toleranceUsd: 0.01 } } as Parameters<typeof pnlConsistency>[0]);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('off by -5.000000');
  });
});

describe('RunOrderReads.all and assertedPositions', () => {
  it('lists the run\'s orders and every live order with the sum of their fills, and positions at mark', () => {
    order('c1', 1);
    ledger.applyFill(fill('BTC-USD', 'buy', 0.4, 100, { clientOrderId: 'c1' }));
    order('old-live', 0.2, 'run-0');
    const { orders, fillQtyByOrder } = new RunOrderReads(ledger.db).all('run-1');
    expect(orders.map((o) => o.clientOrderId)).toEqual(['c1', 'old-live']);
    expect(orders[0]).toMatchObject({ state: 'submitted', filledQty: 0.4, venueOrderId: 'v-c1', notionalUsd: 100 });
    expect(fillQtyByOrder.get('c1')).toBe(0.4);
    expect(assertedPositions(ledger, mark)).toEqual([{ instrument: 'BTC-USD', qty: 0.4, notionalUsd: 40 }]);
  });

  it('feeds runAssertions: a sound ledger holds every assertion', () => {
    order('c1', 1);
    const start = pnlBooks(ledger, mark);
    ledger.applyFill(fill('BTC-USD', 'buy', 1, 100, { clientOrderId: 'c1', fee: 0.05 }));
    const { orders, fillQtyByOrder } = new RunOrderReads(ledger.db).all('run-1');
    const positions = assertedPositions(ledger, mark);
    const results = runAssertions({
      nowMs: env.clock.now(),
      signals: [{ signalId: 's1', instrument: 'BTC-USD', intent: 'entry', clientOrderId: 'c1', atMs: env.clock.now() }],
      orders, fillQtyByOrder, positions,
      venuePositions: [{ instrument: 'BTC-USD', qty: 1 }],
      pnl: { start, now: pnlBooks(ledger, mark), toleranceUsd: 0.01 },
      scope: ['BTC-USD'],
      capitalCapUsd: 1_000,
      heartbeat: { previousTickMs: null, nowMs: 0, maxGapMs: 10_000 },
    });
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
