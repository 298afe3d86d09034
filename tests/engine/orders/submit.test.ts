// Specs of placing an order once: the answer, a timeout with the late answer kept, and each kind of failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { TradegateError } from '../../../engine/errors.ts';
import { errorKindOf, placeOnce } from '../../../engine/orders/submit.ts';
import type { VenueOrderRequest } from '../../../engine/plugins/plugin-api.ts';
import { FaultyVenue } from '../../helpers/faulty-venue.ts';
import { ManualTimers } from '../../helpers/manual-timers.ts';
import { openPaperVenue, shippedEvents } from '../../helpers/paper-session.ts';

let dir: string;
let clock: ManualClock;
let timers: ManualTimers;
let venue: FaultyVenue;
const event = shippedEvents()[100]!;
const request: VenueOrderRequest = { clientOrderId: 'tg-a', instrument: 'BTC-USD', side: 'buy', type: 'limit', quantity: 0.01, limitPrice: event.quote.askClose, reduceOnly: false };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tg-submit-'));
  clock = new ManualClock(event.endTs);
  timers = new ManualTimers(clock);
  venue = new FaultyVenue(await openPaperVenue(dir, clock, 1), clock);
  venue.onMarketEvent(event);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('placeOnce', () => {
  it('returns the acknowledgement and leaves no timer behind', async () => {
    const outcome = await placeOnce(venue, request, 5_000, timers.sleep);
    expect(outcome).toMatchObject({ kind: 'ack', order: { clientOrderId: 'tg-a', status: 'open' } });
    expect(timers.pending).toBe(0);
  });

  it('gives up waiting at the timeout and hands over the answer when it comes', async () => {
    venue.failNext({ kind: 'late_after' });
    const pending = placeOnce(venue, request, 5_000, timers.sleep);
    await timers.untilWaiting();
    timers.advance(5_000);
    const outcome = await pending;
    expect(outcome.kind).toBe('timeout');
    venue.release();
    if (outcome.kind === 'timeout') expect(await outcome.late).toMatchObject({ clientOrderId: 'tg-a' });
    expect(venue.placeCalls).toBe(1);
  });

  it('classifies failures by kind: transport faults retry (outcome unknown), refusals deny', async () => {
    venue.failNext({ kind: 'rate_limited' }, { kind: 'unavailable_after' });
    expect(await placeOnce(venue, request, 5_000, timers.sleep)).toMatchObject({ kind: 'error', errorKind: 'retry' });
    expect(await placeOnce(venue, { ...request, clientOrderId: 'tg-b' }, 5_000, timers.sleep)).toMatchObject({ kind: 'error', errorKind: 'retry' });
    expect(await placeOnce(venue, { ...request, clientOrderId: 'tg-c', instrument: 'DOGE-USD' }, 5_000, timers.sleep)).toMatchObject({
      kind: 'error', errorKind: 'deny', error: { code: 'VENUE_ORDER_REJECTED' },
    });
  });

  it('treats anything thrown that is not a coded error as a transport fault', () => {
    expect(errorKindOf(new Error('socket hang up'))).toBe('retry');
    expect(errorKindOf('boom')).toBe('retry');
    expect(errorKindOf(new TradegateError('LEDGER_INVALID_AMOUNT', 'x'))).toBe('halt');
  });
});
