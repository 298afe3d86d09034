// The exit decision: every pair of triggers ranked, exit_pending and flat untouchable, settlement at expiry, and real gate decisions.
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { TradegateError } from '../../../engine/errors.ts';
import { caseSnapshot } from '../../../engine/gate/rule-cases.ts';
import { evaluate } from '../../../engine/gate/gate.ts';
import { EXIT_REASONS, type ExitInputs, type ExitReason, decideExit, exitTriggers } from '../../../engine/orders/exit-decision.ts';
import { POSITION_STATES } from '../../../engine/orders/position-lifecycle.ts';
import type { Signal } from '../../../engine/plugins/plugin-api.ts';
import { loadRuleSet } from '../../../engine/rules/load-rules.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { type Action, type Decision, type Outcome, type Violation, mostSevere } from '../../../engine/types.ts';

const NOW = 1_522_886_400_000;
const INSTRUMENT = 'BTC-USD';

function violation(ruleId: string, action: Action): Violation {
  return { ruleId, action, message: `${ruleId} fired`, facts: {} };
}

function tick(violations: readonly Violation[] = [], outcome?: Outcome): Decision {
  return {
    outcome: outcome ?? violations.reduce<Outcome>((o, v) => mostSevere(o, v.action), 'allow'),
    violations,
    evaluated: [],
    errors: [],
    ruleSetVersion: 'rs-test',
    evaluatedAt: NOW,
    context: { appliesTo: 'tick', mode: 'paper', instrument: INSTRUMENT },
  };
}

function strategyExit(id = 'vwap-reversion:BTC-USD:exit:1'): Signal {
  return { instrument: INSTRUMENT, side: 'sell', quantity: 0.01, orderType: 'limit', limitPrice: 6800, signalId: id, intent: 'exit', reason: 'price back at VWAP' };
}

function inputs(patch: Partial<ExitInputs> = {}): ExitInputs {
  return { instrument: INSTRUMENT, state: 'monitoring', quantity: 0.01, now: NOW, tick: tick(), ...patch };
}

/** One way to make each reason true, as a patch of the inputs; violations are merged by the caller. */
const TRIGGER: Record<ExitReason, { violations?: Violation[]; patch?: Partial<ExitInputs> }> = {
  emergency: { violations: [violation('kill-switch-emergency', 'emergency')] },
  flatten: { violations: [violation('session-drawdown-limit', 'flatten')] },
  'stop-loss': { violations: [violation('stop-loss', 'exit_position')] },
  'max-loss-per-trade': { violations: [violation('max-loss-per-trade', 'exit_position')] },
  'exit-rule': { violations: [violation('time-stop', 'exit_position')] },
  expiry: { patch: { windowEndMs: NOW } },
  'trailing-take-profit': { violations: [violation('trailing-take-profit', 'exit_position')] },
  'take-profit': { violations: [violation('take-profit', 'exit_position')] },
  strategy: { patch: { strategyExit: strategyExit() } },
};

function withTriggers(reasons: readonly ExitReason[], base: Partial<ExitInputs> = {}): ExitInputs {
  const violations = reasons.flatMap((r) => TRIGGER[r].violations ?? []);
  const patches = Object.assign({}, ...reasons.map((r) => TRIGGER[r].patch ?? {}));
  return inputs({ tick: tick(violations), ...patches, ...base });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof TradegateError ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
}

describe('decideExit priorities', () => {
  it('lists the priority documented in the module', () => {
    expect(EXIT_REASONS).toEqual(['emergency', 'flatten', 'stop-loss', 'max-loss-per-trade', 'exit-rule', 'expiry', 'trailing-take-profit', 'take-profit', 'strategy']);
  });

  for (const reason of EXIT_REASONS) {
    it(`exits for ${reason} alone`, () => {
      const choice = decideExit(withTriggers([reason]));
      expect(choice?.reason).toBe(reason);
      expect(choice?.triggers).toHaveLength(1);
    });
  }

  for (let i = 0; i < EXIT_REASONS.length; i++) {
    for (let j = i + 1; j < EXIT_REASONS.length; j++) {
      const high = EXIT_REASONS[i]!;
      const low = EXIT_REASONS[j]!;
      it(`${high} wins over ${low}, whatever order they arrive in`, () => {
        for (const order of [[high, low], [low, high]] as const) {
          const choice = decideExit(withTriggers(order));
          expect(choice?.reason).toBe(high);
          expect(choice?.triggers.map((t) => t.reason)).toEqual([high, low]);
        }
      });
    }
  }

  it('takes exactly one exit when every trigger is true at once', () => {
    const choice = decideExit(withTriggers([...EXIT_REASONS].reverse()));
    expect(choice?.reason).toBe('emergency');
    expect(choice?.triggers.map((t) => t.reason)).toEqual([...EXIT_REASONS]);
  });

  it('names the rule and carries its rendered message', () => {
    const choice = decideExit(withTriggers(['stop-loss', 'take-profit']));
    expect(choice).toMatchObject({ reason: 'stop-loss', ruleId: 'stop-loss', message: 'stop-loss fired', method: 'order', urgent: true });
  });

  it('marks loss and expiry exits urgent and profit and strategy exits not', () => {
    const urgent = Object.fromEntries(EXIT_REASONS.map((r) => [r, decideExit(withTriggers([r]))?.urgent]));
    expect(urgent).toEqual({
      emergency: true,
      flatten: true,
      'stop-loss': true,
      'max-loss-per-trade': true,
      'exit-rule': true,
      expiry: true,
      'trailing-take-profit': false,
      'take-profit': false,
      strategy: false,
    });
  });

  it('carries the strategy signal id on a strategy exit', () => {
    expect(decideExit(withTriggers(['strategy']))).toMatchObject({ reason: 'strategy', signalId: 'vwap-reversion:BTC-USD:exit:1', message: 'price back at VWAP' });
  });

  it('flattens on a flatten or emergency outcome even without the violation that caused it', () => {
    expect(decideExit(inputs({ tick: tick([], 'flatten') }))?.reason).toBe('flatten');
    expect(decideExit(inputs({ tick: tick([], 'emergency') }))?.reason).toBe('emergency');
  });

  it('does not close a position for a pause', () => {
    expect(decideExit(inputs({ tick: tick([violation('stale-feed-pause', 'pause')]) }))).toBeNull();
  });

  it('treats expiry as now >= window end, and a window end of 0 as no window', () => {
    expect(decideExit(inputs({ windowEndMs: NOW + 1 }))).toBeNull();
    expect(decideExit(inputs({ windowEndMs: NOW }))?.reason).toBe('expiry');
    expect(decideExit(inputs({ windowEndMs: NOW - 60_000 }))?.reason).toBe('expiry');
    expect(decideExit(inputs({ windowEndMs: 0 }))).toBeNull();
  });

  it('exits a short position the same way as a long one', () => {
    expect(decideExit(withTriggers(['stop-loss'], { quantity: -0.02 }))?.reason).toBe('stop-loss');
  });
});

describe('decideExit leaves alone what it must not touch', () => {
  for (const state of POSITION_STATES.filter((s) => s !== 'monitoring')) {
    it(`gives no exit for a position in ${state}, even with every trigger true`, () => {
      const quantity = state === 'exit_pending' ? 0.01 : 0;
      expect(decideExit(withTriggers([...EXIT_REASONS], { state, quantity }))).toBeNull();
      expect(exitTriggers(withTriggers([...EXIT_REASONS], { state, quantity }))).toEqual([]);
    });
  }

  it('gives no exit when flat', () => {
    expect(decideExit(withTriggers([...EXIT_REASONS], { quantity: 0 }))).toBeNull();
  });

  it('gives no exit when nothing fired', () => {
    expect(decideExit(inputs())).toBeNull();
  });
});

describe('decideExit on a market that settles at window end', () => {
  it('waits for the settlement once the window is over, whatever else fired', () => {
    const choice = decideExit(withTriggers(['stop-loss', 'expiry', 'emergency'], { settlesAtWindowEnd: true }));
    expect(choice).toMatchObject({ reason: 'expiry', method: 'settlement', urgent: false });
    expect(choice?.triggers.map((t) => t.reason)).toEqual(['emergency', 'stop-loss', 'expiry']);
  });

  it('still sends an order for a stop before the window ends', () => {
    expect(decideExit(withTriggers(['stop-loss'], { settlesAtWindowEnd: true, windowEndMs: NOW + 60_000 }))).toMatchObject({ reason: 'stop-loss', method: 'order' });
  });
});

describe('decideExit refuses miswired inputs with EXIT_INPUT_INVALID', () => {
  const entryDecision: Decision = { ...tick(), context: { appliesTo: 'entry', mode: 'paper', instrument: INSTRUMENT } };
  const cases: [string, Partial<ExitInputs>][] = [
    ['a decision taken for an entry, not a tick', { tick: entryDecision }],
    ['a tick decision for another instrument', { tick: { ...tick(), context: { appliesTo: 'tick', mode: 'paper', instrument: 'ETH-USD' } } }],
    ['a strategy entry passed as an exit', { strategyExit: { ...strategyExit(), intent: 'entry' } }],
    ['a strategy exit for another instrument', { strategyExit: { ...strategyExit(), instrument: 'ETH-USD' } }],
    ['a NaN quantity', { quantity: Number.NaN }],
    ['a non-finite time', { now: Number.POSITIVE_INFINITY }],
    ['a NaN window end', { windowEndMs: Number.NaN }],
    ['a closed lifecycle that still holds quantity', { state: 'closed', quantity: 0.01 }],
    ['an entry lifecycle that already holds quantity', { state: 'entry', quantity: 0.01 }],
    ['a state that is not a lifecycle state', { state: 'open' as never }],
  ];
  for (const [name, patch] of cases) {
    it(`refuses ${name}`, () => {
      expect(codeOf(() => decideExit(inputs(patch)))).toBe('EXIT_INPUT_INVALID');
    });
  }
  it('refuses a missing tick decision', () => {
    expect(codeOf(() => decideExit(inputs({ tick: null as unknown as Decision })))).toBe('EXIT_INPUT_INVALID');
  });
});

describe('decideExit on decisions from the real gate and the default rules', () => {
  let ruleSet: RuleSet;
  beforeAll(async () => {
    const loaded = await loadRuleSet(resolve(import.meta.dirname, '../../../rules'));
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('\n'));
    ruleSet = loaded.ruleSet;
  });

  async function gateTick(facts: Record<string, Record<string, unknown>>): Promise<Decision> {
    const { snapshot, unknown } = caseSnapshot(facts);
    expect(unknown).toEqual([]);
    return evaluate(snapshot, ruleSet, { appliesTo: 'tick', mode: 'paper', instrument: INSTRUMENT }, { clock: new ManualClock(NOW) });
  }

  it('chooses the stop-loss when a 10% loss fires both the stop and the dollar cap', async () => {
    const decision = await gateTick({ position: { quantity: 0.01, unrealized_pnl_usd: -6.8, unrealized_loss_usd: 6.8, unrealized_pnl_fraction: -0.1, unrealized_loss_fraction: 0.1 } });
    const choice = decideExit(inputs({ tick: decision }));
    expect(choice?.reason).toBe('stop-loss');
    expect(choice?.triggers.map((t) => t.ruleId)).toEqual(['stop-loss', 'max-loss-per-trade']);
    expect(choice?.message).toContain('0.03');
  });

  it('chooses the trailing take-profit over the take-profit when both fire', async () => {
    const decision = await gateTick({ position: { unrealized_pnl_usd: 4.76, unrealized_pnl_fraction: 0.07, peak_pnl_fraction: 0.09, retrace_from_peak_fraction: 0.02 } });
    expect(decideExit(inputs({ tick: decision }))?.reason).toBe('trailing-take-profit');
  });

  it('flattens on the operator kill switch, over a stop that also fired', async () => {
    const decision = await gateTick({ controls: { kill_level: 'flatten' }, position: { unrealized_loss_fraction: 0.05 } });
    const choice = decideExit(inputs({ tick: decision }));
    expect(choice?.reason).toBe('flatten');
    expect(choice?.triggers.map((t) => t.reason)).toContain('stop-loss');
  });

  it('still exits on the dollar cap when a missing fact made the tick fail closed to pause', async () => {
    const decision = await gateTick({ position: { unrealized_loss_fraction: null, unrealized_loss_usd: 9 } });
    expect(decision.outcome).toBe('pause');
    expect(decideExit(inputs({ tick: decision }))?.reason).toBe('max-loss-per-trade');
  });

  it('keeps a healthy position open', async () => {
    const decision = await gateTick({ position: { quantity: 0.01, unrealized_pnl_usd: 0.5, unrealized_pnl_fraction: 0.01, peak_pnl_fraction: 0.01 } });
    expect(decision.outcome).toBe('allow');
    expect(decideExit(inputs({ tick: decision }))).toBeNull();
  });
});
