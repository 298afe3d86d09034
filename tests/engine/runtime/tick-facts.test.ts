// Specs for tick facts: account and position from the ledger, market, controls, feed and time from the session, never an order's facts.
import { afterEach, describe, expect, it } from 'vitest';
import { tickFacts } from '../../../engine/runtime/tick-facts.ts';
import { fill, T0, tempLedgers, type TempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
afterEach(() => env.cleanup());

const controls = { kill_level: 'none' as const, trading_mode: 'paper' as const, allowed_instruments: ['BTC-USD'], allowed_strategies: ['canary'] };
const feed = { age_ms: 0, stale: false, gap_open: false };

describe('tickFacts', () => {
  it('gives account, position, market, controls, feed and time, with after-fill facts equal to what is held', () => {
    env = tempLedgers();
    const ledger = env.open();
    ledger.startRun({ runId: 'r' });
    ledger.deposit(1_000);
    ledger.applyFill(fill('BTC-USD', 'buy', 0.01, 100));
    const { snapshot, errors } = tickFacts({
      ledger, instrument: 'BTC-USD', leg: 'outright', mark: () => 110, market: { bid: 109.5, ask: 110.5, lastPrice: 110, dataQualityScore: 1, regime: 'normal' },
      controls, feed, barsSinceStart: 42, nowMs: T0 + 3_600_000,
    });
    expect(errors).toEqual([]);
    expect(Object.keys(snapshot).sort()).toEqual(['account', 'controls', 'feed', 'market', 'position', 'time']);
    expect(snapshot['position']).toMatchObject({ quantity: 0.01, after_fill_quantity: 0.01, unrealized_pnl_usd: 0.1, entry_price: 100 });
    expect(snapshot['account']).toMatchObject({ cash_usd: 999, venue_balance_usd: 999, equity_usd: 1000.1 });
    expect(snapshot['market']).toEqual({ bid: 109.5, ask: 110.5, mid: 110, last_price: 110, spread_bps: (1 / 110) * 10_000, data_quality_score: 1, regime: 'normal' });
    expect(snapshot['time']).toEqual({ now_ms: T0 + 3_600_000, utc_hour: 13, bars_since_start: 42 });
  });

  it('keeps what the tick observed: the day-start baseline, the session start and the position peak', () => {
    env = tempLedgers();
    const ledger = env.open();
    ledger.startRun({ runId: 'r' });
    ledger.deposit(1_000);
    ledger.applyFill(fill('BTC-USD', 'buy', 0.01, 100));
    tickFacts({ ledger, instrument: 'BTC-USD', leg: 'outright', mark: () => 110, market: undefined, controls, feed, barsSinceStart: 0, nowMs: T0 });
    expect(ledger.equity.dayStart('2024-03-10')?.equityMicros).toBe(1_000_100_000);
    expect(ledger.runs.require('r')).toMatchObject({ startEquityMicros: 1_000_100_000, peakEquityMicros: 1_000_100_000 });
    expect(ledger.positions.get('BTC-USD', 'outright')).toMatchObject({ peakPrice: 110 });
  });

  it('leaves account and position out, with the reason, when a held position cannot be marked', () => {
    env = tempLedgers();
    const ledger = env.open();
    ledger.startRun({ runId: 'r' });
    ledger.applyFill(fill('BTC-USD', 'buy', 0.01, 100));
    const { snapshot, errors } = tickFacts({ ledger, instrument: 'BTC-USD', leg: 'outright', mark: () => undefined, market: undefined, controls, feed, barsSinceStart: 0, nowMs: T0 });
    expect(snapshot['account']).toBeUndefined();
    expect(snapshot['position']).toBeUndefined();
    expect(snapshot['market']).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ code: 'ORDER_FACTS_UNAVAILABLE', message: expect.stringContaining('LEDGER_MARK_MISSING') })]);
  });
});
