// Specs of the confirmation timeout sweep: pending orders older than the timeout become unknown, younger ones stay.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { markUnconfirmed } from '../../../engine/orders/unknown-timeout.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
});
afterEach(() => env.cleanup());

function pending(cid: string) {
  return ledger.orders.insertPending({ clientOrderId: cid, intentKey: cid, venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, strategy: 's' });
}

describe('markUnconfirmed', () => {
  it('moves pending_submit orders older than the timeout to unknown, with the reason, and leaves younger ones', () => {
    pending('old');
    env.clock.advance(3_000);
    pending('young');
    env.clock.advance(2_000);
    const ctx = { ledger, venue: 'paper', clock: env.clock };
    expect(markUnconfirmed(ctx, 5_000).map((o) => o.clientOrderId)).toEqual(['old']);
    expect(ledger.orders.require('old').state).toBe('unknown');
    expect(ledger.orders.events('old').at(-1)).toMatchObject({ event: 'ack_timeout', reason: 'no confirmation within 5000 ms' });
    expect(ledger.orders.require('young').state).toBe('pending_submit');
    expect(ledger.orders.countInState('unknown', 'BTC-USD')).toBe(1);
  });
});
