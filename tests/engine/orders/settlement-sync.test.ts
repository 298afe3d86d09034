// Specs of binary settlement: a resolved market's YES and NO legs booked at their payout, once, so the books match the venue's again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { OrderManager } from '../../../engine/orders/order-manager.ts';
import { ruleSetGate } from '../../../engine/orders/order-ports.ts';
import { compareBooks } from '../../../engine/orders/reconcile-books.ts';
import { realSleep } from '../../../engine/market/sleep.ts';
import { SettlementSync } from '../../../engine/orders/settlement-sync.ts';
import type { Venue } from '../../../engine/plugins/plugin-api.ts';
import { BinaryVenue } from '../../helpers/binary-venue.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
let venue: BinaryVenue;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
  ledger.deposit(1_000, 'opening');
  venue = new BinaryVenue(1_000, () => env.clock.now());
});
afterEach(() => env.cleanup());

/** Orders placed at the venue, each fill booked in the ledger as the venue reported it. */
async function trade(...orders: [string, 'buy_yes' | 'buy_no', number, number][]): Promise<void> {
  for (const [cid, side, quantity, limitPrice] of orders) {
    await venue.placeOrder({ clientOrderId: cid, instrument: 'K-RAIN', side, type: 'limit', quantity, limitPrice, reduceOnly: false });
  }
  for (const f of (await venue.listFills({ limit: 100 })).items) {
    ledger.applyFill({ venue: venue.name, venueFillId: f.venueFillId, instrument: f.instrument, side: f.side, qty: f.quantity, price: f.price, fee: f.feeUsd, liquidity: f.liquidity, tsMs: f.ts });
  }
}

async function books() {
  return compareBooks({ positions: ledger.openPositions(), cashUsd: ledger.cashUsd() }, { positions: await venue.positions(), cashUsd: (await venue.balance()).cashUsd }, 0.000001);
}

describe('SettlementSync', () => {
  it('asks nothing and books nothing while the market is open', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3]);
    expect(await new SettlementSync(ledger, venue).sync()).toEqual({ checked: 1, settled: [], failed: [] });
    expect(await books()).toEqual({ positions: [], cash: null });
  });

  it('pays the winning leg 1.00 a contract and closes the losing one at 0, matching the venue to the micro-dollar', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3], ['n1', 'buy_no', 4, 0.6]);
    venue.resolve('K-RAIN', 'yes');
    expect((await books()).positions).toEqual(['position K-RAIN (no): ledger 4, venue 0', 'position K-RAIN (yes): ledger 10, venue 0']);
    const report = await new SettlementSync(ledger, venue).sync();
    expect(report).toEqual({ checked: 1, settled: [{ instrument: 'K-RAIN', outcome: 'yes', payoutUsd: 10 }], failed: [] });
    expect(ledger.openPositions()).toEqual([]);
    expect(ledger.position('K-RAIN', 'yes').realizedPnlUsd).toBeCloseTo(10 * (1 - 0.3), 6);
    expect(ledger.position('K-RAIN', 'no').realizedPnlUsd).toBeCloseTo(-4 * 0.6, 6);
    expect(await books()).toEqual({ positions: [], cash: null });
  });

  it('settles a buy_no position that wins', async () => {
    await trade(['n1', 'buy_no', 5, 0.45]);
    venue.resolve('K-RAIN', 'no');
    await new SettlementSync(ledger, venue).sync();
    expect(ledger.cashUsd()).toBeCloseTo(1_000 - 5 * 0.45 + 5, 6);
    expect(await books()).toEqual({ positions: [], cash: null });
  });

  it('posts nothing twice: a settled market is not asked again, and settling it again is a no-op', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3]);
    venue.resolve('K-RAIN', 'no');
    await new SettlementSync(ledger, venue).sync();
    const cash = ledger.cashUsd();
    expect(await new SettlementSync(ledger, venue).sync()).toEqual({ checked: 0, settled: [], failed: [] });
    expect(ledger.applySettlement({ instrument: 'K-RAIN', outcome: 'no' }).every((l) => l.alreadySettled)).toBe(true);
    expect(ledger.cashUsd()).toBe(cash);
  });

  it('reports a venue that cannot answer now and settles at the next try', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3]);
    venue.resolve('K-RAIN', 'yes');
    venue.failSettlement = true;
    const sync = new SettlementSync(ledger, venue);
    expect(await sync.sync()).toEqual({ checked: 1, settled: [], failed: [{ instrument: 'K-RAIN', message: 'binary venue: settlement service unavailable' }] });
    expect((await sync.sync()).settled).toHaveLength(1);
  });

  it('does nothing against a venue without binary markets', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3]);
    const outright = Object.create(venue, { settlement: { value: undefined } }) as Venue;
    expect(await new SettlementSync(ledger, outright).sync()).toEqual({ checked: 0, settled: [], failed: [] });
  });
});

describe('SettlementSync through the order manager', () => {
  it('books a resolved market on the next tick, and reconciliation then finds the books equal', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3], ['n1', 'buy_no', 4, 0.6]);
    ledger.startRun({ runId: 'r' });
    const manager = new OrderManager({ ledger, venue, gate: ruleSetGate(() => null, { clock: env.clock }), clock: env.clock, sleep: realSleep });
    expect((await manager.start()).breakerTripped).toBe(false);
    venue.resolve('K-RAIN', 'no');
    expect((await manager.tick()).marketsSettled).toBe(1);
    const report = await manager.reconcile();
    expect(report).toMatchObject({ mismatches: [], breakerTripped: false, settlements: { checked: 0 } });
    expect(ledger.cashUsd()).toBeCloseTo((await venue.balance()).cashUsd, 6);
  });

  it('books it in reconciliation too, before the books are compared, when no tick came first', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3]);
    ledger.startRun({ runId: 'r' });
    const manager = new OrderManager({ ledger, venue, gate: ruleSetGate(() => null, { clock: env.clock }), clock: env.clock, sleep: realSleep });
    await manager.start();
    venue.resolve('K-RAIN', 'yes');
    const report = await manager.reconcile();
    expect(report).toMatchObject({ mismatches: [], breakerTripped: false, settlements: { settled: [{ instrument: 'K-RAIN', outcome: 'yes', payoutUsd: 10 }] } });
  });

  it('does not trip the breaker on correct books when the market resolves between the settlement pull and the books comparison', async () => {
    await trade(['y1', 'buy_yes', 10, 0.3]);
    ledger.startRun({ runId: 'r' });
    const manager = new OrderManager({ ledger, venue, gate: ruleSetGate(() => null, { clock: env.clock }), clock: env.clock, sleep: realSleep });
    await manager.start();
    // The open-order listing comes after the settlement pull: the venue settles while reconciliation is under way.
    const listOrders = venue.listOrders.bind(venue);
    vi.spyOn(venue, 'listOrders').mockImplementationOnce(async () => {
      venue.resolve('K-RAIN', 'yes');
      return listOrders();
    });
    const report = await manager.reconcile();
    expect(report).toMatchObject({ mismatches: [], breakerTripped: false });
    expect(ledger.cashUsd()).toBeCloseTo((await venue.balance()).cashUsd, 6);
  });
});
