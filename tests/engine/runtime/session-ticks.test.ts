// Specs for tick evaluation on real parts (shipped rules, compiled gate, SQLite ledger): stale feeds pause, stops fire, unreadable books fail closed.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ruleSetGate } from '../../../engine/orders/order-ports.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { ControlsService } from '../../../engine/runtime/controls.ts';
import { controlsPort } from '../../../engine/runtime/controls-port.ts';
import { MarketView } from '../../../engine/runtime/market-view.ts';
import { evaluateTick } from '../../../engine/runtime/session-ticks.ts';
import { TradingState } from '../../../engine/runtime/trading-state.ts';
import { shippedRules } from '../../helpers/order-env.ts';
import { fill, tempLedgers, type TempLedgers } from '../../helpers/temp-ledger.ts';
import { MINUTE, marketEvent } from '../../plugins/strategies/market-event-fixtures.ts';

let rules: RuleSet;
beforeAll(async () => {
  rules = await shippedRules();
});

let env: TempLedgers;
afterEach(() => env.cleanup());

const silent = createLogger({ level: 'silent' });

function setup() {
  env = tempLedgers();
  const { clock } = env;
  const ledger = env.open();
  ledger.startRun({ runId: 'run-1' });
  ledger.deposit(10_000, 'opening');
  const service = new ControlsService({
    repository: ledger.controls, transaction: (fn) => ledger.transaction(fn), clock,
    defaults: { killLevel: 'none', tradingMode: 'paper', maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: ['BTC-USD'], allowedStrategies: ['canary'] },
  });
  const state = new TradingState(controlsPort(service, silent), clock, (id) => rules.byId.get(id)?.cooldownMs);
  const market = new MarketView({ clock, staleAfterMs: 180_000, volatileReturnBps: 60, historyBars: 40 });
  const deps = { mode: 'paper' as const, clock, venue: 'paper', ledger, gate: ruleSetGate(() => rules, { clock }), market, state, logger: silent, strategyOf: () => 'canary' };
  /** Bars at 100 (bid 99.5, ask 100.5) up to now, the last one ending at the clock's time. */
  const bars = (n: number, close = 100) => {
    for (let i = n; i > 0; i--) {
      const e = marketEvent({ ts: clock.now() - MINUTE, close });
      market.observe(e);
      if (i > 1) clock.advance(MINUTE);
    }
  };
  return { ledger, state, market, deps, bars };
}

describe('evaluateTick', () => {
  it('allows a fresh feed on a flat book and keeps such a tick out of the audit trail', async () => {
    const { deps, ledger, bars } = setup();
    bars(40);
    const t = await evaluateTick(deps, 'BTC-USD', 'outright');
    expect(t.decision).toMatchObject({ outcome: 'allow', errors: [] });
    expect(t.equityUsd).toBe(10_000);
    expect(ledger.decisions.list()).toEqual([]);
  });

  it('pauses entries when the feed has been silent too long, records why, and resumes after the cooldown of a fresh feed', async () => {
    const { deps, ledger, state, bars } = setup();
    bars(40);
    env.clock.advance(10_001);
    const t = await evaluateTick(deps, 'BTC-USD', 'outright');
    expect(t.decision.violations.map((v) => v.ruleId)).toEqual(['stale-feed-pause']);
    expect(state.level()).toBe('pause');
    expect(state.controlsFacts().kill_level).toBe('pause');
    expect(ledger.decisions.list()).toEqual([expect.objectContaining({ outcome: 'pause', runId: 'run-1', context: expect.objectContaining({ appliesTo: 'tick' }) })]);
    bars(1);
    await evaluateTick(deps, 'BTC-USD', 'outright');
    env.clock.advance(30_000);
    expect(state.level()).toBe('none');
  });

  it('fires the stop-loss on a position down 3% of its cost, for the exit decision to act on', async () => {
    const { deps, ledger, bars } = setup();
    ledger.applyFill(fill('BTC-USD', 'buy', 0.01, 100, { tsMs: env.clock.now() }));
    bars(40, 96.5);
    const t = await evaluateTick(deps, 'BTC-USD', 'outright');
    expect(t.decision.outcome).toBe('exit_position');
    expect(t.decision.violations.map((v) => v.ruleId)).toContain('stop-loss');
    expect(t.unrealizedPnlUsd).toBeCloseTo(-0.035, 6);
  });

  it('fails closed when a held position has no price: no account facts, a pause, the error recorded', async () => {
    const { deps, ledger, state, bars } = setup();
    bars(40);
    ledger.applyFill(fill('ETH-USD', 'buy', 1, 2000, { tsMs: env.clock.now() }));
    const t = await evaluateTick(deps, 'BTC-USD', 'outright');
    expect(t.decision.outcome).toBe('pause');
    expect(t.decision.errors.map((e) => e.code)).toContain('ORDER_FACTS_UNAVAILABLE');
    expect(Number.isNaN(t.equityUsd)).toBe(true);
    expect(state.level()).toBe('pause');
    expect(ledger.decisions.list()).toHaveLength(1);
  });
});
