// Specs of the runtime assertions: each one holds on a sound snapshot and fails, by name and with the reason, on a crafted broken one.
import { describe, expect, it } from 'vitest';
import {
  ASSERTION_NAMES,
  type AssertedOrder,
  type AssertionState,
  capitalCap,
  fillConfirmation,
  heartbeat,
  instrumentScope,
  noFutureWindows,
  pnlConsistency,
  positionCountMatchesVenue,
  runAssertions,
  signalOrderMapping,
  venueOrderIdsPresent,
} from '../../../engine/runtime/assertions.ts';

const NOW = Date.UTC(2026, 0, 5, 12);

const filled: AssertedOrder = { clientOrderId: 'c1', instrument: 'BTC-USD', state: 'filled', qty: 0.01, filledQty: 0.01, venueOrderId: 'v1', notionalUsd: 680, isEntry: true };
const resting: AssertedOrder = { clientOrderId: 'c2', instrument: 'BTC-USD', state: 'submitted', qty: 0.02, filledQty: 0, venueOrderId: 'v2', notionalUsd: 1360, isEntry: true };

/** A sound snapshot: one filled entry held as a position, one resting entry, PnL that adds up. */
function sound(): AssertionState {
  return {
    nowMs: NOW,
    signals: [
      { signalId: 's1', instrument: 'BTC-USD', intent: 'entry', clientOrderId: 'c1', atMs: NOW - 60_000, windowStartMs: NOW - 120_000 },
      { signalId: 's2', instrument: 'BTC-USD', intent: 'entry', clientOrderId: 'c2', atMs: NOW },
    ],
    orders: [filled, resting],
    fillQtyByOrder: new Map([['c1', 0.01], ['c2', 0]]),
    positions: [{ instrument: 'BTC-USD', qty: 0.01, notionalUsd: 690 }],
    venuePositions: [{ instrument: 'BTC-USD', qty: 0.01 }],
    pnl: {
      start: { equityUsd: 10_000, realizedUsd: 0, unrealizedUsd: 0, feesUsd: 0, fundingUsd: 0, externalUsd: 10_000 },
      now: { equityUsd: 10_009.66, realizedUsd: 0, unrealizedUsd: 10, feesUsd: 0.34, fundingUsd: 0, externalUsd: 10_000 },
      toleranceUsd: 0.01,
    },
    scope: ['BTC-USD', 'ETH-USD'],
    capitalCapUsd: 5_000,
    heartbeat: { previousTickMs: NOW - 1_000, nowMs: NOW, maxGapMs: 10_000 },
  };
}

describe('runAssertions', () => {
  it('holds every assertion on a sound snapshot, in a fixed order', () => {
    const results = runAssertions(sound());
    expect(results.map((r) => r.name)).toEqual([...ASSERTION_NAMES]);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('fails an assertion that cannot run instead of skipping it', () => {
    const broken = { ...sound(), orders: null } as unknown as AssertionState;
    const failed = runAssertions(broken).filter((r) => !r.ok).map((r) => r.name);
    expect(failed).toContain('fill_confirmation');
    expect(failed).toContain('signal_order_mapping');
  });
});

describe('each assertion fails on its broken state', () => {
  it('signal_order_mapping: an accepted signal with no order, or an order the ledger does not hold', () => {
    const s = sound();
    expect(signalOrderMapping({ ...s, signals: [...s.signals, { signalId: 's3', instrument: 'BTC-USD', intent: 'exit', clientOrderId: null, atMs: NOW }] })).toMatchObject({
      ok: false, message: 'accepted exit signal s3 (BTC-USD) has no order',
    });
    expect(signalOrderMapping({ ...s, orders: [filled] }).message).toContain('no order c2 in the ledger');
  });

  it('fill_confirmation: fills that do not sum to the filled quantity, or a filled order short of its quantity', () => {
    const s = sound();
    expect(fillConfirmation({ ...s, fillQtyByOrder: new Map([['c1', 0.005]]) })).toMatchObject({ ok: false, message: 'order c1 records 0.01 filled but its fills sum to 0.005' });
    const short = { ...filled, filledQty: 0.005 };
    expect(fillConfirmation({ ...s, orders: [short], fillQtyByOrder: new Map([['c1', 0.005]]) }).message).toBe('order c1 is filled with 0.005 of 0.01');
  });

  it('position_count_matches_venue: a count or a quantity that differs; skipped when the venue was not asked', () => {
    const s = sound();
    expect(positionCountMatchesVenue({ ...s, venuePositions: [] })).toMatchObject({ ok: false, message: 'the ledger holds 1 positions, the venue 0; BTC-USD: ledger 0.01, venue 0' });
    expect(positionCountMatchesVenue({ ...s, venuePositions: [{ instrument: 'BTC-USD', qty: 0.02 }] }).message).toBe('BTC-USD: ledger 0.01, venue 0.02');
    expect(positionCountMatchesVenue({ ...s, venuePositions: null }).ok).toBe(true);
  });

  it('pnl_consistency: equity that moved more than the books explain', () => {
    const s = sound();
    const off = { ...s, pnl: { ...s.pnl, now: { ...s.pnl.now, equityUsd: 10_019.66 } } };
    expect(pnlConsistency(off)).toMatchObject({ ok: false });
    expect(pnlConsistency(off).message).toContain('off by 10.000000');
    // A deposit moves equity without being PnL.
    const deposit = { ...s, pnl: { ...s.pnl, now: { ...s.pnl.now, equityUsd: 11_009.66, externalUsd: 11_000 } } };
    expect(pnlConsistency(deposit).ok).toBe(true);
    expect(pnlConsistency({ ...s, pnl: { ...s.pnl, now: { ...s.pnl.now, realizedUsd: Number.NaN } } }).ok).toBe(false);
  });

  it('venue_order_ids_present: an acknowledged order without a venue order id', () => {
    const s = sound();
    expect(venueOrderIdsPresent({ ...s, orders: [{ ...resting, venueOrderId: null }] })).toMatchObject({ ok: false, message: 'order c2 is submitted with no venue order id' });
    expect(venueOrderIdsPresent({ ...s, orders: [{ ...resting, state: 'pending_submit', venueOrderId: null }] }).ok).toBe(true);
  });

  it('instrument_scope: a position or an order outside the configured scope', () => {
    const s = sound();
    expect(instrumentScope({ ...s, scope: ['ETH-USD'] })).toMatchObject({ ok: false });
    expect(instrumentScope({ ...s, scope: ['ETH-USD'] }).message).toContain('a position in BTC-USD, outside the scope');
  });

  it('no_future_windows: an entry accepted before its window opens', () => {
    const s = sound();
    const early = { signalId: 's9', instrument: 'BTC-USD', intent: 'entry' as const, clientOrderId: 'c1', atMs: NOW, windowStartMs: NOW + 900_000 };
    expect(noFutureWindows({ ...s, signals: [early] }).ok).toBe(false);
    expect(noFutureWindows({ ...s, signals: [{ ...early, intent: 'exit' }] }).ok).toBe(true);
  });

  it('capital_cap: positions at mark plus open entries above the cap, or an open entry that cannot be priced', () => {
    const s = sound();
    expect(capitalCap({ ...s, capitalCapUsd: 2_000 })).toMatchObject({ ok: false, message: 'exposure is 2050.00 USD (positions 690.00, open entries 1360.00); the cap is 2000 USD' });
    expect(capitalCap({ ...s, orders: [filled, { ...resting, isEntry: false }], capitalCapUsd: 700 }).ok).toBe(true);
    expect(capitalCap({ ...s, orders: [{ ...resting, notionalUsd: null }] }).message).toContain('open entries without a price cannot be counted: c2');
    expect(capitalCap({ ...s, capitalCapUsd: Number.NaN }).ok).toBe(false);
  });

  it('heartbeat: a loop that stalled longer than allowed between ticks', () => {
    const s = sound();
    expect(heartbeat({ ...s, heartbeat: { previousTickMs: NOW - 30_000, nowMs: NOW, maxGapMs: 10_000 } })).toMatchObject({ ok: false, message: 'the loop last completed a tick 30000 ms ago (limit 10000 ms)' });
    expect(heartbeat({ ...s, heartbeat: { previousTickMs: null, nowMs: NOW, maxGapMs: 10_000 } }).ok).toBe(true);
  });
});
