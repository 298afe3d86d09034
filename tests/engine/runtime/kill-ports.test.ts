// Specs of the kill switch's ports: the ledger store (controls + trail) and the controls port the session's trading state reads and raises through.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KillEventRepository } from '../../../engine/ledger/kill-event-repository.ts';
import type { Ledger } from '../../../engine/ledger/ledger.ts';
import { killSwitchControlsPort } from '../../../engine/runtime/kill-ports.ts';
import { TradingState } from '../../../engine/runtime/trading-state.ts';
import type { Decision } from '../../../engine/types.ts';
import { killRig } from '../../helpers/kill-fixture.ts';
import { type TempLedgers, tempLedgers } from '../../helpers/temp-ledger.ts';

let env: TempLedgers;
let ledger: Ledger;
beforeEach(() => {
  env = tempLedgers();
  ledger = env.open();
});
afterEach(() => env.cleanup());

function tickDecision(ruleId: string, action: 'pause' | 'flatten' | 'emergency'): Decision {
  return {
    outcome: action,
    violations: [{ ruleId, action, message: `${ruleId} fired`, facts: {} }],
    evaluated: [{ ruleId, fired: true, facts: {} }],
    errors: [],
    ruleSetVersion: 'rs-test',
    evaluatedAt: env.clock.now(),
    context: { appliesTo: 'tick', mode: 'paper' },
  };
}

describe('ledgerKillStore', () => {
  it('reads the stored level with who set it, and writes a raise with a trail row in one transaction', () => {
    const rig = killRig(ledger, env.clock);
    expect(rig.store.read()).toEqual({ level: 'none', updatedBy: null, updatedAtMs: null });
    rig.store.write('flatten', 'none', { source: 'drill', actor: 'drill:kill', reason: 'quarterly drill' });
    expect(rig.store.read()).toEqual({ level: 'flatten', updatedBy: 'drill:kill', updatedAtMs: env.clock.now() });
    expect(new KillEventRepository(ledger.db, env.clock).latest(1)[0]).toMatchObject({ level: 'flatten', source: 'drill', reason: 'quarterly drill' });
    expect(ledger.controls.history('kill_level').map((c) => c.newValue)).toEqual(['flatten']);
  });

  it('fails closed: an unreadable stored level reads as pause', () => {
    const rig = killRig(ledger, env.clock);
    ledger.controls.set('kill_level', 'none', 'cli:a');
    ledger.db.prepare("UPDATE runtime_controls SET value_json = '\"halt\"' WHERE key = 'kill_level'").run();
    expect(rig.store.read().level).toBe('pause');
  });
});

describe('killSwitchControlsPort', () => {
  it('gives the trading state the merged level, and persists a kill rule without a cooldown through the switch', async () => {
    const rig = killRig(ledger, env.clock);
    rig.killSwitch.start();
    const state = new TradingState(killSwitchControlsPort(rig.killSwitch, rig.controls), env.clock, () => undefined);
    expect(state.controlsFacts()).toMatchObject({ kill_level: 'none', allowed_instruments: ['BTC-USD'] });
    state.observe(tickDecision('session-drawdown-limit', 'flatten'), 'BTC-USD');
    expect(rig.killSwitch.level()).toBe('flatten');
    expect(state.level()).toBe('flatten');
    expect(ledger.controls.get('kill_level')).toMatchObject({ value: 'flatten', updatedBy: 'rule:session-drawdown-limit' });
    await rig.killSwitch.settled();
    expect(rig.calls).toEqual(['cancelAll', 'flattenAll']);
  });

  it('lets a signal raised on the switch reach the facts every order is judged on', () => {
    const rig = killRig(ledger, env.clock);
    rig.killSwitch.start();
    const state = new TradingState(killSwitchControlsPort(rig.killSwitch, rig.controls), env.clock, () => undefined);
    rig.killSwitch.raise('pause', { source: 'signal', actor: 'signal:SIGUSR1', reason: 'r' });
    expect(state.controlsFacts().kill_level).toBe('pause');
  });
});
