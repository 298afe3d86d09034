// Specs for the session acting on positions in trouble: an emergency cancel that books a racing fill, and a held position whose feed went silent.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../engine/clock.ts';
import { realSleep } from '../../../engine/market/sleep.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import type { OrderManager, TickReport } from '../../../engine/orders/order-manager.ts';
import { ruleSetGate } from '../../../engine/orders/order-ports.ts';
import type { Signal, Strategy, StrategyContext } from '../../../engine/plugins/plugin-api.ts';
import { Session } from '../../../engine/runtime/session.ts';
import { type Parts, sessionHarness } from '../../helpers/session-parts.ts';
import { MINUTE, marketEvent, T0 } from '../../plugins/strategies/market-event-fixtures.ts';

const harness = sessionHarness();
let parts: Parts | undefined;

/** Rests a buy of 0.01 at 99.9 once, at the 40th bar: thin bars fill it a part at a time. */
const restingEntry: Strategy = {
  warmupBars: 1,
  evaluate(ctx: StrategyContext): Signal | null {
    if (ctx.history.length !== 40) return null;
    return { instrument: 'BTC-USD', side: 'buy', quantity: 0.01, orderType: 'limit', limitPrice: 99.9, signalId: 'rest:1', intent: 'entry', edgeBps: 40, reason: 'resting entry' };
  },
};

/** A minute bar closing at 100 whose ask dipped to `askLow`; 0.008 traded, so a resting buy it went through fills 0.004 (participation 0.5). */
function thin(i: number, askLow = 100.5) {
  const e = marketEvent({ ts: T0 + i * MINUTE, close: 100, volume: 0.008 });
  return { ...e, quote: { ...e.quote, askLow } };
}

const NO_TICK: TickReport = { fillsApplied: 0, fundingApplied: 0, marketsSettled: 0, ttl: { canceled: [], pending: [] }, unconfirmed: [], reconciled: null };

describe('Session in an emergency', () => {
  it('sizes the closing exit from the books after the emergency cancel, counting a fill that beat the cancel', async () => {
    parts = await harness.open({ strategy: restingEntry });
    const { manager } = parts;
    // The venue reports the next fill only after the step's own sync: the emergency cancel's reconciliation is the first to book it.
    let hideFills = false;
    const racing = {
      execute: manager.execute.bind(manager), reconcile: manager.reconcile.bind(manager), idle: manager.idle.bind(manager),
      tick: () => (hideFills ? Promise.resolve(NO_TICK) : manager.tick()),
    } as unknown as OrderManager;
    const session = new Session({
      mode: 'paper', clock: parts.clock, ledger: parts.ledger, venue: parts.venue, manager: racing, gate: ruleSetGate(() => harness.rules(), { clock: parts.clock }),
      state: parts.state, market: parts.market, logger: createLogger({ destination: parts.logs, level: 'debug', env: {} }),
      strategies: [{ name: 'canary', instruments: ['BTC-USD'], strategy: restingEntry }],
      exits: { offsetBps: 20, ttlMs: 60_000 }, windDown: { wallClock: systemClock, sleep: realSleep },
    });
    for (let i = 0; i < 40; i++) await session.step(thin(i));
    await session.step(thin(40, 99.5));
    expect(parts.ledger.position('BTC-USD').qty).toBeCloseTo(0.004, 8);
    parts.state.observe({
      outcome: 'emergency', violations: [{ ruleId: 'ops', action: 'emergency', message: 'operator', facts: {} }], evaluated: [], errors: [],
      ruleSetVersion: 'x', evaluatedAt: 0, context: { appliesTo: 'tick', mode: 'paper' },
    }, 'BTC-USD');
    hideFills = true;
    await session.step(thin(41, 99.5));
    const held = parts.ledger.position('BTC-USD').qty;
    expect(held).toBeCloseTo(0.008, 8);
    const exits = parts.ledger.orders.inStates(['pending_submit', 'submitted', 'partially_filled', 'filled', 'unknown']).filter((o) => o.side === 'sell');
    expect(exits.map((o) => o.qty)).toEqual([held]);
  });
});

describe('Session with a held position whose feed went silent', () => {
  it('tries its flatten exit again after one ran out unfilled, while other instruments\u2019 bars go on', async () => {
    let sent = false;
    const once: Strategy = {
      warmupBars: 1,
      evaluate: (ctx) => {
        if (sent || ctx.history.length < 40) return null;
        sent = true;
        return { instrument: 'BTC-USD', side: 'buy', quantity: 0.01, orderType: 'limit', limitPrice: 100.6, signalId: 'once', intent: 'entry', edgeBps: 40, reason: 'entry' };
      },
    };
    parts = await harness.open({ strategy: once });
    for (let i = 0; i < 41; i++) await parts.session.step(marketEvent({ ts: T0 + i * MINUTE, close: 100, volume: 10 }));
    expect(parts.ledger.position('BTC-USD').qty).toBe(0.01);
    parts.state.observe({
      outcome: 'flatten', violations: [{ ruleId: 'ops', action: 'flatten', message: 'operator', facts: {} }], evaluated: [], errors: [],
      ruleSetVersion: 'x', evaluatedAt: 0, context: { appliesTo: 'tick', mode: 'paper' },
    }, 'BTC-USD');
    // BTC-USD goes silent; ETH-USD bars go on, each judging the stale BTC position at its last price. No BTC bar comes to fill an exit.
    for (let i = 45; i < 55; i++) await parts.session.step(marketEvent({ ts: T0 + i * MINUTE, instrument: 'ETH-USD', close: 2000, volume: 10 }));
    const exits = parts.ledger.orders.inStates(['pending_submit', 'submitted', 'canceled', 'expired', 'unknown']).filter((o) => o.side === 'sell');
    expect(exits.length).toBeGreaterThan(1);
    expect(exits.filter((o) => o.state === 'submitted' || o.state === 'pending_submit' || o.state === 'unknown').length).toBeLessThanOrEqual(1);
  });
});
