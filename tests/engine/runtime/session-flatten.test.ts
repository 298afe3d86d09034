// Specs for the kill switch's flatten and cancel between market events: one exit per position, none for a position already exiting, nothing after the close.
import { describe, expect, it } from 'vitest';
import type { Signal, Strategy, StrategyContext } from '../../../engine/plugins/plugin-api.ts';
import { bars, type Parts, sessionHarness } from '../../helpers/session-parts.ts';

const harness = sessionHarness();
let parts: Parts | undefined;

/** Buys 0.01 once at the given bar, at `limitFactor` x the ask (above 1 fills at the next bar, below rests). */
function oneEntry(atBar: number, limitFactor: number): Strategy {
  let sent = false;
  return {
    warmupBars: 1,
    evaluate(ctx: StrategyContext): Signal | null {
      if (sent || ctx.history.length < atBar) return null;
      sent = true;
      return {
        instrument: ctx.event.instrument, side: 'buy', quantity: 0.01, orderType: 'limit', limitPrice: Math.round(ctx.event.quote.askClose * limitFactor * 100) / 100,
        signalId: `one:${ctx.event.ts}`, intent: 'entry', edgeBps: 40, reason: 'test entry',
      };
    },
  };
}

const flat = (n: number, price = 100) => Array<number>(n).fill(price);
const sells = (p: Parts) => p.ledger.orders.inStates(['pending_submit', 'submitted', 'partially_filled', 'filled', 'canceled', 'unknown']).filter((o) => o.side === 'sell');

describe('Session.flattenNow', () => {
  it('closes a monitored position with one marketable exit that the next bar fills', async () => {
    parts = await harness.open({ strategy: oneEntry(40, 1.001) });
    for (const e of bars(flat(41))) await parts.session.step(e);
    expect(parts.ledger.position('BTC-USD').qty).toBe(0.01);
    const report = await parts.session.flattenNow('flatten');
    expect(report.sent).toHaveLength(1);
    expect(sells(parts)).toEqual([expect.objectContaining({ instrument: 'BTC-USD', qty: 0.01, state: 'submitted' })]);
    await parts.session.step(bars([100], 41)[0]!);
    expect(parts.ledger.position('BTC-USD').qty).toBe(0);
  });

  it('leaves a position that already has an exit in flight alone: a second flatten sends nothing', async () => {
    parts = await harness.open({ strategy: oneEntry(40, 1.001) });
    for (const e of bars(flat(41))) await parts.session.step(e);
    await parts.session.flattenNow('flatten');
    const again = await parts.session.flattenNow('emergency');
    expect(again).toEqual({ sent: [], skipped: [{ instrument: 'BTC-USD', reason: 'an exit is already in flight' }] });
    expect(sells(parts)).toHaveLength(1);
  });

  it('never sells twice when it races a step whose flatten rule closes the same position', async () => {
    parts = await harness.open({ strategy: oneEntry(40, 1.001) });
    for (const e of bars(flat(41))) await parts.session.step(e);
    // The stored level is flatten: the next step's tick rule asks to close the position too.
    parts.state.observe({
      outcome: 'flatten', violations: [{ ruleId: 'ops', action: 'flatten', message: 'operator', facts: {} }], evaluated: [], errors: [],
      ruleSetVersion: 'x', evaluatedAt: 0, context: { appliesTo: 'tick', mode: 'paper' },
    }, 'BTC-USD');
    const [next, after] = bars([100, 100], 41);
    await Promise.all([parts.session.step(next!), parts.session.flattenNow('flatten')]);
    await parts.session.step(after!);
    expect(sells(parts)).toHaveLength(1);
    expect(parts.ledger.position('BTC-USD').qty).toBe(0);
  });
});

describe('Session.cancelOpenNow', () => {
  it('cancels a resting entry between bars', async () => {
    parts = await harness.open({ strategy: oneEntry(40, 0.9) });
    for (const e of bars(flat(41))) await parts.session.step(e);
    const resting = parts.ledger.orders.inStates(['submitted']);
    expect(resting).toHaveLength(1);
    const report = await parts.session.cancelOpenNow();
    expect(report.requested).toEqual([resting[0]!.clientOrderId]);
    expect(parts.ledger.orders.get(resting[0]!.clientOrderId)?.state).toBe('canceled');
  });
});

describe('Session.close', () => {
  it('turns every later kill action into a no-op: the wind-down owns the books', async () => {
    parts = await harness.open({ strategy: oneEntry(40, 1.001) });
    for (const e of bars(flat(41))) await parts.session.step(e);
    await parts.session.close();
    expect(await parts.session.flattenNow('emergency')).toEqual({ sent: [], skipped: [] });
    expect(await parts.session.cancelOpenNow()).toEqual({ requested: [], failed: [] });
    expect(sells(parts)).toEqual([]);
  });
});
