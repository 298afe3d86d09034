// Specs of the gate port: each decision is taken against the rule set in force at that moment (hot reload swaps it between calls).
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { ruleSetGate } from '../../../engine/orders/order-ports.ts';
import { exampleSnapshot } from '../../../engine/rules/fact-catalog.ts';
import type { RuleSet } from '../../../engine/rules/rule-set.ts';
import { shippedRules } from '../../helpers/order-env.ts';

describe('ruleSetGate', () => {
  it('asks for the rule set on every decision, and fails closed when none is loaded', async () => {
    const strict = await shippedRules(['kill-switch.yaml']);
    let current: RuleSet | null = strict;
    const gate = ruleSetGate(() => current, { clock: new ManualClock(1) });
    const snapshot = exampleSnapshot();
    (snapshot['controls'] as Record<string, unknown>)['kill_level'] = 'pause';
    const context = { appliesTo: 'entry', mode: 'paper' } as const;
    expect((await gate.evaluate(snapshot, context)).outcome).toBe('reject');
    current = null;
    const none = await gate.evaluate(snapshot, context);
    expect(none.errors.map((e) => e.code)).toEqual(['RULE_SET_UNAVAILABLE']);
  });
});
