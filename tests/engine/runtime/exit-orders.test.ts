// Specs for exit orders: the side that closes, a marketable limit through the touch, an id per reason and bar, the strategy's own exit kept.
import { describe, expect, it } from 'vitest';
import type { ExitChoice } from '../../../engine/orders/exit-decision.ts';
import type { Signal } from '../../../engine/plugins/plugin-api.ts';
import { closingSide, exitSignal } from '../../../engine/runtime/exit-orders.ts';
import { marketEvent, T0 } from '../../plugins/strategies/market-event-fixtures.ts';

const choice = (reason: ExitChoice['reason'], ruleId?: string): ExitChoice => ({
  reason, message: `${reason} fired`, method: 'order', urgent: true, triggers: [], ...(ruleId ? { ruleId } : {}),
});
const event = marketEvent({ ts: T0, close: 100, bid: 100, ask: 100.1 });
const settings = { offsetBps: 20, ttlMs: 60_000 };

describe('closingSide', () => {
  it('sells a long, buys back a short, sells the contract held in a binary leg', () => {
    expect(closingSide('outright', 0.5)).toBe('sell');
    expect(closingSide('outright', -0.5)).toBe('buy');
    expect(closingSide('yes', 3)).toBe('sell_yes');
    expect(closingSide('no', 3)).toBe('sell_no');
  });
});

describe('exitSignal', () => {
  it('closes a long with a sell limit the offset below the bid, for the whole position', () => {
    const s = exitSignal(choice('stop-loss', 'stop-loss'), { instrument: 'BTC-USD', leg: 'outright', quantity: 0.003 }, event, settings, null);
    expect(s).toMatchObject({ instrument: 'BTC-USD', side: 'sell', quantity: 0.003, orderType: 'limit', limitPrice: 99.8, intent: 'exit', ttlMs: 60_000 });
    expect(s.signalId).toBe('exit:stop-loss:BTC-USD:2018-04-05T00:00:00Z');
    expect(s.reason).toContain('stop-loss');
  });

  it('buys back a short above the ask', () => {
    const s = exitSignal(choice('flatten'), { instrument: 'BTC-USD', leg: 'outright', quantity: -0.003 }, event, settings, null);
    expect(s).toMatchObject({ side: 'buy', quantity: 0.003 });
    expect(s.limitPrice).toBeCloseTo(100.1 * 1.002, 8);
  });

  it('sends the strategy exit as the strategy asked when the strategy is the reason', () => {
    const own: Signal = { instrument: 'BTC-USD', side: 'sell', quantity: 0.003, orderType: 'limit', limitPrice: 100.05, signalId: 'mine', intent: 'exit', reason: 'thesis done' };
    expect(exitSignal(choice('strategy'), { instrument: 'BTC-USD', leg: 'outright', quantity: 0.003 }, event, settings, own)).toBe(own);
    expect(exitSignal(choice('take-profit'), { instrument: 'BTC-USD', leg: 'outright', quantity: 0.003 }, event, settings, own).signalId).toMatch(/^exit:take-profit:/);
  });

  it('prices a NO-leg exit in NO terms: the NO bid is one minus the YES ask the quote carries', () => {
    // YES at 0.70 / 0.72: a NO contract bids 0.28. Priced off the YES bid (0.70) the exit would rest far above the NO market and never close a losing NO.
    const binary = marketEvent({ ts: T0, trade: false, bid: 0.7, ask: 0.72 });
    const no = exitSignal(choice('stop-loss', 'stop-loss'), { instrument: 'WIN', leg: 'no', quantity: 5 }, binary, settings, null);
    expect(no.side).toBe('sell_no');
    expect(no.limitPrice).toBeCloseTo(0.28 * 0.998, 8);
    const yes = exitSignal(choice('stop-loss', 'stop-loss'), { instrument: 'WIN', leg: 'yes', quantity: 5 }, binary, settings, null);
    expect(yes.limitPrice).toBeCloseTo(0.7 * 0.998, 8);
  });

  it('keeps a binary exit limit between 0 and 1', () => {
    const binary = marketEvent({ ts: T0, trade: false, bid: 0.001, ask: 0.002 });
    const s = exitSignal(choice('emergency'), { instrument: 'WIN', leg: 'yes', quantity: 5 }, binary, { offsetBps: 20_000, ttlMs: 1 }, null);
    expect(s.limitPrice).toBe(0);
  });
});
