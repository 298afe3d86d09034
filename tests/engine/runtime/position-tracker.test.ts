// Specs for the position tracker: lifecycles follow the ledger by the transition table, an exit in flight holds off entries, a restart adopts.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { PositionTracker } from '../../../engine/runtime/position-tracker.ts';

const I = 'BTC-USD';
const order = (side: 'buy' | 'sell', id = side) => ({ side, clientOrderId: id });

function tracker() {
  return new PositionTracker(new ManualClock(1_000));
}

describe('PositionTracker', () => {
  it('walks entry -> monitoring -> exit_pending -> closed as orders fill', () => {
    const t = tracker();
    expect(t.beginEntry(I)).toEqual({ instrument: I, from: 'none', to: 'entry', on: 'adopted' });
    expect(t.beginEntry(I)).toBeNull();
    expect(t.get(I)?.state).toBe('entry');
    expect(t.sync({ instrument: I, quantity: 0.01, liveOrders: [] }).map((m) => m.on)).toEqual(['entry_filled']);
    t.beginExit(I, 'take-profit');
    expect(t.get(I)).toMatchObject({ state: 'exit_pending', exitReason: 'take-profit' });
    expect(t.sync({ instrument: I, quantity: 0.01, liveOrders: [order('sell')] })).toEqual([]);
    expect(t.sync({ instrument: I, quantity: 0, liveOrders: [] }).map((m) => m.to)).toEqual(['closed']);
  });

  it('ends an entry that never filled, and returns a failed exit to monitoring', () => {
    const t = tracker();
    t.beginEntry(I);
    expect(t.sync({ instrument: I, quantity: 0, liveOrders: [] }).map((m) => m.on)).toEqual(['entry_failed']);
    t.sync({ instrument: I, quantity: 0.01, liveOrders: [] });
    t.beginExit(I, 'stop-loss');
    expect(t.sync({ instrument: I, quantity: 0.004, liveOrders: [] }).map((m) => m.on)).toEqual(['exit_failed']);
    expect(t.get(I)?.state).toBe('monitoring');
  });

  it('refuses an entry while an exit is in flight (POSITION_EXIT_PENDING)', () => {
    const t = tracker();
    t.sync({ instrument: I, quantity: 0.01, liveOrders: [] });
    t.beginExit(I, 'flatten');
    expect(() => t.beginEntry(I)).toThrow(expect.objectContaining({ code: 'POSITION_EXIT_PENDING' }));
  });

  it('adopts what a restart finds: a held position with a live exit is exit_pending, a live entry on a flat book is entry', () => {
    const t = tracker();
    expect(t.sync({ instrument: I, quantity: 0.01, liveOrders: [order('sell')] })).toEqual([{ instrument: I, from: 'none', to: 'exit_pending', on: 'adopted' }]);
    const u = tracker();
    expect(u.sync({ instrument: 'ETH-USD', quantity: 0, liveOrders: [order('buy')] })).toEqual([{ instrument: 'ETH-USD', from: 'none', to: 'entry', on: 'adopted' }]);
    expect(u.sync({ instrument: 'LTC-USD', quantity: 0, liveOrders: [] })).toEqual([]);
  });

  it('treats a buy as the exit of a short', () => {
    const t = tracker();
    t.sync({ instrument: I, quantity: -0.01, liveOrders: [order('buy')] });
    expect(t.get(I)?.state).toBe('exit_pending');
  });

  it('leaves a position monitored again when its exit never reached the venue', () => {
    const t = tracker();
    t.sync({ instrument: I, quantity: 0.01, liveOrders: [] });
    t.beginExit(I, 'stop-loss');
    t.abandonExit(I);
    expect(t.get(I)?.state).toBe('monitoring');
  });
});
