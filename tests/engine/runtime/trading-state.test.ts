// Specs for the trading state: kill rules with a cooldown hold and release by themselves, without one they raise the stored level; undecided ticks pause.
import { afterEach, describe, expect, it } from 'vitest';
import { ControlsService } from '../../../engine/runtime/controls.ts';
import { controlsPort } from '../../../engine/runtime/controls-port.ts';
import { TradingState } from '../../../engine/runtime/trading-state.ts';
import type { Action, Decision, DecisionError } from '../../../engine/types.ts';
import { tempLedgers, type TempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
afterEach(() => env.cleanup());

const COOLDOWNS: Record<string, number | undefined> = { 'stale-feed-pause': 30_000 };
const errorsLogged: unknown[] = [];

function setup() {
  env = tempLedgers();
  const ledger = env.open();
  const service = () => new ControlsService({
    repository: ledger.controls, transaction: (fn) => ledger.transaction(fn), clock: env.clock,
    defaults: { killLevel: 'none', tradingMode: 'paper', maxPositionUsd: null, maxSessionLossUsd: null, allowedInstruments: ['BTC-USD'], allowedStrategies: ['canary'] },
  });
  const state = new TradingState(controlsPort(service(), { error: (o: unknown) => void errorsLogged.push(o) }), env.clock, (id) => COOLDOWNS[id]);
  return { state, service };
}

function tick(fired: readonly [string, Action][], errors: readonly DecisionError[] = []): Decision {
  return {
    outcome: 'allow',
    violations: fired.map(([ruleId, action]) => ({ ruleId, action, message: `${ruleId} fired`, facts: {} })),
    evaluated: [],
    errors,
    ruleSetVersion: 'rs-test',
    evaluatedAt: env.clock.now(),
    context: { appliesTo: 'tick', mode: 'paper', instrument: 'BTC-USD' },
  };
}

describe('TradingState', () => {
  it('holds a pause from a rule with a cooldown, and resumes once the rule has been quiet for the cooldown', () => {
    const { state } = setup();
    expect(state.level()).toBe('none');
    expect(state.observe(tick([['stale-feed-pause', 'pause']]), 'BTC-USD')).toEqual([expect.objectContaining({ from: 'none', to: 'pause', cause: 'stale-feed-pause' })]);
    env.clock.advance(20_000);
    state.observe(tick([['stale-feed-pause', 'pause']]), 'BTC-USD');
    env.clock.advance(29_999);
    expect(state.level()).toBe('pause');
    env.clock.advance(1);
    expect(state.level()).toBe('none');
  });

  it('raises the stored kill level for a rule without a cooldown: it persists and only an operator lowers it', () => {
    const { state, service } = setup();
    state.observe(tick([['daily-loss-limit', 'pause']]), 'BTC-USD');
    state.observe(tick([['session-drawdown-limit', 'flatten']]), 'BTC-USD');
    state.observe(tick([]), 'BTC-USD');
    env.clock.advance(3_600_000);
    expect(state.level()).toBe('flatten');
    expect(service().current().killLevel).toBe('flatten');
    expect(service().provenance().kill_level?.updatedBy).toBe('rule:session-drawdown-limit');
    // A lesser rule later never lowers it.
    state.observe(tick([['daily-loss-limit', 'pause']]), 'BTC-USD');
    expect(service().current().killLevel).toBe('flatten');
  });

  it('pauses while a tick cannot be decided, until that instrument decides cleanly again', () => {
    const { state } = setup();
    const missing: DecisionError = { code: 'FACT_MISSING', fact: 'account.equity_usd', message: 'fact account.equity_usd is missing' };
    state.observe(tick([], [missing]), 'BTC-USD');
    state.observe(tick([]), 'ETH-USD');
    expect(state.level()).toBe('pause');
    expect(state.observe(tick([]), 'BTC-USD')).toEqual([expect.objectContaining({ from: 'pause', to: 'none', cause: 'fail-closed' })]);
  });

  it('leaves the level alone for exits and refusals: they close or refuse one thing, they do not stop trading', () => {
    const { state } = setup();
    state.observe(tick([['stop-loss', 'exit_position'], ['something', 'reject']]), 'BTC-USD');
    expect(state.level()).toBe('none');
  });

  it('puts the level in force into the controls facts, beside the stored scope', () => {
    const { state } = setup();
    state.observe(tick([['stale-feed-pause', 'pause']]), 'BTC-USD');
    expect(state.controlsFacts()).toEqual({ kill_level: 'pause', trading_mode: 'paper', allowed_instruments: ['BTC-USD'], allowed_strategies: ['canary'] });
  });
});
