// Specs of the gate: rule selection, most severe action, fail-closed decisions, and identical decisions from both evaluators.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import { evaluate, FAIL_CLOSED, type GateOptions } from '../../../engine/gate/gate.ts';
import { exampleSnapshot } from '../../../engine/rules/fact-catalog.ts';
import { EVALUATOR_NAMES, type Evaluator } from '../../../engine/rules/evaluator.ts';
import { createRuleSet } from '../../../engine/rules/rule-set.ts';
import { APPLIES_TO, type DecisionContext } from '../../../engine/types.ts';
import { INJECTIONS } from '../../helpers/random-rules.ts';
import { numberParam, testRule } from '../../helpers/resolved-rule.ts';

const clock = new ManualClock(1_700_000_000_000);
const entry: DecisionContext = { appliesTo: 'entry', mode: 'paper', venue: 'paper', instrument: 'BTC-USD', strategy: 'canary' };

const maxPosition = testRule({
  id: 'max-position-usd',
  params: { max_usd: numberParam(100) },
  message: 'Position would be {{position.after_fill_notional_usd}} USD; the cap is {{max_usd}} USD.',
  when: { all: [{ fact: 'position.after_fill_notional_usd', operator: 'greaterThan', value: { param: 'max_usd' } }] },
});
const stalePause = testRule({
  id: 'stale-feed-pause',
  action: 'pause',
  appliesTo: ['entry', 'tick'],
  when: { any: [{ fact: 'feed.stale', operator: 'equal', value: true }, { fact: 'feed.age_ms', operator: 'greaterThan', value: 5000 }] },
});
const scope = testRule({ id: 'scope-guard', when: { all: [{ fact: 'order.instrument', operator: 'notIn', value: { fact: 'controls.allowed_instruments' } }] } });
const killSwitch = testRule({
  id: 'kill-switch',
  action: 'emergency',
  appliesTo: ['entry', 'exit', 'tick'],
  when: { all: [{ fact: 'controls.kill_level', operator: 'equal', value: 'emergency' }] },
});
const ruleSet = createRuleSet([maxPosition, stalePause, scope, killSwitch]);

function snapshot(edit: (s: Record<string, Record<string, unknown>>) => void = () => {}): Record<string, Record<string, unknown>> {
  const s = exampleSnapshot();
  edit(s);
  return s;
}

const both = EVALUATOR_NAMES.map((name) => [name] as const);

describe.each(both)('evaluate with the %s evaluator', (evaluator) => {
  const options: GateOptions = { clock, evaluator };

  it('allows a clean order, listing every applicable rule with the facts it read', async () => {
    const d = await evaluate(snapshot(), ruleSet, entry, options);
    expect(d.outcome).toBe('allow');
    expect(d.violations).toEqual([]);
    expect(d.errors).toEqual([]);
    expect(d.evaluated.map((v) => v.ruleId)).toEqual(['kill-switch', 'max-position-usd', 'scope-guard', 'stale-feed-pause']);
    expect(d.evaluated.find((v) => v.ruleId === 'scope-guard')).toEqual({
      ruleId: 'scope-guard',
      fired: false,
      facts: { 'order.instrument': 'BTC-USD', 'controls.allowed_instruments': ['BTC-USD', 'ETH-USD', 'LTC-USD'] },
    });
    expect(d.ruleSetVersion).toBe(ruleSet.version);
    expect(d.evaluatedAt).toBe(1_700_000_000_000);
    expect(d.context).toEqual(entry);
  });

  it('rejects with the rendered message and the facts seen when a rule fires', async () => {
    const d = await evaluate(snapshot((s) => (s['position']!['after_fill_notional_usd'] = 100.01)), ruleSet, entry, options);
    expect(d.outcome).toBe('reject');
    expect(d.violations).toEqual([
      {
        ruleId: 'max-position-usd',
        action: 'reject',
        message: 'Position would be 100.01 USD; the cap is 100 USD.',
        facts: { 'position.after_fill_notional_usd': 100.01 },
      },
    ]);
  });

  it('lets the most severe action win when several rules fire', async () => {
    const s = snapshot((x) => {
      x['position']!['after_fill_notional_usd'] = 500;
      x['feed']!['stale'] = true;
      x['controls']!['kill_level'] = 'emergency';
    });
    const d = await evaluate(s, ruleSet, entry, options);
    expect(d.violations.map((v) => v.action)).toEqual(['emergency', 'reject', 'pause']);
    expect(d.outcome).toBe('emergency');
    const noKill = await evaluate({ ...s, controls: { ...s['controls'], kill_level: 'none' } }, ruleSet, entry, options);
    expect(noKill.outcome).toBe('pause');
  });

  it('evaluates only the rules that apply to the moment', async () => {
    const tick = await evaluate(snapshot(), ruleSet, { appliesTo: 'tick', mode: 'paper' }, options);
    expect(tick.evaluated.map((v) => v.ruleId)).toEqual(['kill-switch', 'stale-feed-pause']);
    const prelive = await evaluate(snapshot(), ruleSet, { appliesTo: 'prelive', mode: 'live' }, options);
    expect(prelive).toMatchObject({ outcome: 'allow', evaluated: [] });
  });

  it('never evaluates a disabled rule, nor needs its facts', async () => {
    const set = createRuleSet([maxPosition, { ...stalePause, enabled: false }]);
    const d = await evaluate(snapshot((s) => delete s['feed']), set, entry, options);
    expect(d.evaluated.map((v) => v.ruleId)).toEqual(['max-position-usd']);
    expect(d).toMatchObject({ outcome: 'allow', errors: [] });
  });

  it('applies filters by mode, venue, instrument and strategy; an absent filter means all', async () => {
    const only = (id: string, filters: object): ReturnType<typeof testRule> => testRule({ id, filters, when: { all: [] } });
    const set = createRuleSet([
      only('any-scope', {}),
      only('live-only', { modes: ['live'] }),
      only('paper-or-live', { modes: ['paper', 'live'] }),
      only('kalshi-only', { venues: ['kalshi'] }),
      only('eth-only', { instruments: ['ETH-USD'] }),
      only('canary-btc', { strategies: ['canary'], instruments: ['BTC-USD'] }),
    ]);
    const ids = async (context: DecisionContext): Promise<string[]> => (await evaluate({}, set, context, options)).evaluated.map((v) => v.ruleId);
    expect(await ids(entry)).toEqual(['any-scope', 'canary-btc', 'paper-or-live']);
    expect(await ids({ ...entry, mode: 'live', venue: 'kalshi', instrument: 'ETH-USD' })).toEqual(['any-scope', 'eth-only', 'kalshi-only', 'live-only', 'paper-or-live']);
    // A context that does not name its venue cannot slip past a venue-narrowed rule.
    expect(await ids({ appliesTo: 'entry', mode: 'backtest' })).toEqual(['any-scope', 'canary-btc', 'eth-only', 'kalshi-only']);
  });

  it('fails closed on a missing, null, NaN, infinite, numeric-string or mistyped fact, naming it and the rules that read it', async () => {
    const cases: [unknown, string][] = [
      [undefined, 'FACT_MISSING'],
      [null, 'FACT_MISSING'],
      [Number.NaN, 'FACT_NOT_FINITE'],
      [Number.POSITIVE_INFINITY, 'FACT_NOT_FINITE'],
      [Number.NEGATIVE_INFINITY, 'FACT_NOT_FINITE'],
      ['50', 'FACT_WRONG_TYPE'],
      [true, 'FACT_WRONG_TYPE'],
    ];
    for (const [value, code] of cases) {
      const d = await evaluate(snapshot((s) => (s['feed']!['age_ms'] = value)), ruleSet, entry, options);
      expect(d.outcome, String(value)).toBe('reject');
      expect(d.errors).toEqual([{ code, fact: 'feed.age_ms', message: expect.stringMatching(/^fact feed\.age_ms .*; read by stale-feed-pause$/) }]);
      expect(d.evaluated.find((v) => v.ruleId === 'stale-feed-pause')).toMatchObject({ fired: false });
    }
  });

  it('fails closed with the outcome of each moment: entry and exit reject, tick pauses, prelive fails the gate', async () => {
    const set = createRuleSet([testRule({ id: 'everywhere', appliesTo: [...APPLIES_TO], action: 'gate_fail', when: { all: [{ fact: 'feed.age_ms', operator: 'lessThan', value: 0 }] } })]);
    for (const appliesTo of APPLIES_TO) {
      const d = await evaluate(snapshot((s) => (s['feed']!['age_ms'] = Number.NaN)), set, { appliesTo, mode: 'live' }, options);
      expect(d.outcome).toBe(FAIL_CLOSED[appliesTo]);
    }
    expect(FAIL_CLOSED).toEqual({ entry: 'reject', exit: 'reject', tick: 'pause', prelive: 'gate_fail' });
  });

  it('still evaluates rules whose facts are valid, so an emergency is not hidden behind a bad fact', async () => {
    const s = snapshot((x) => {
      x['feed']!['age_ms'] = Number.NaN;
      x['controls']!['kill_level'] = 'emergency';
    });
    const d = await evaluate(s, ruleSet, entry, options);
    expect(d.outcome).toBe('emergency');
    expect(d.violations.map((v) => v.ruleId)).toEqual(['kill-switch']);
    expect(d.errors.map((e) => e.code)).toEqual(['FACT_NOT_FINITE']);
  });

  it('ignores facts no rule reads and namespaces the catalog does not know', async () => {
    const s = { ...snapshot(), mystery: { x: Number.NaN }, order: { ...snapshot()['order'], extra: 'x' } };
    expect(await evaluate(s, ruleSet, entry, options)).toMatchObject({ outcome: 'allow', errors: [] });
  });

  it('fails closed with RULE_SET_UNAVAILABLE when no rule set is loaded', async () => {
    for (const appliesTo of APPLIES_TO) {
      for (const none of [null, undefined]) {
        const d = await evaluate(snapshot(), none, { appliesTo, mode: 'paper' }, options);
        expect(d).toMatchObject({ outcome: FAIL_CLOSED[appliesTo], ruleSetVersion: 'none', evaluated: [], violations: [] });
        expect(d.errors.map((e) => e.code)).toEqual(['RULE_SET_UNAVAILABLE']);
      }
    }
  });

  it('fails closed with EVALUATION_FAILED on an operator it does not know at run time', async () => {
    const bad = createRuleSet([maxPosition, testRule({ id: 'odd-op', when: { all: [{ fact: 'order.quantity', operator: 'approximately', value: 1 }] } })]);
    const d = await evaluate(snapshot(), bad, entry, options);
    expect(d.outcome).toBe('reject');
    expect(d.errors).toEqual([{ code: 'EVALUATION_FAILED', ruleId: 'odd-op', message: expect.stringContaining('unknown operator "approximately"') }]);
    expect(d.evaluated.map((v) => [v.ruleId, v.fired])).toEqual([
      ['max-position-usd', false],
      ['odd-op', false],
    ]);
  });

  it('fails closed on a malformed context instead of selecting no rules', async () => {
    const contexts = [{ appliesTo: 'entri', mode: 'paper' }, { appliesTo: '__proto__', mode: 'paper' }, { appliesTo: 'entry', mode: 'prod' }, null, 'entry', { appliesTo: 'entry', mode: 'paper', venue: 5 }];
    for (const context of contexts) {
      const d = await evaluate(snapshot(), ruleSet, context as unknown as DecisionContext, options);
      expect(d.outcome).toBe(context !== null && typeof context === 'object' && context.appliesTo === 'entry' ? 'reject' : 'pause');
      expect(d.errors[0]?.code).toBe('EVALUATION_FAILED');
    }
  });
});

describe.each(both)('evaluate with hostile rules and the %s evaluator', (evaluator) => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)['__tradegatePwned'];
  });

  it('keeps hostile ids, values and messages as data end to end', async () => {
    const rules = INJECTIONS.map((payload, i) =>
      testRule({
        id: `${payload}-${i}`,
        message: `${payload} on {{order.instrument}} vs {{limit}}`,
        params: { limit: { type: 'string', value: payload, description: payload } },
        when: { all: [{ fact: 'order.instrument', operator: 'equal', value: { param: 'limit' } }] },
      }),
    );
    const set = createRuleSet(rules);
    for (const [i, payload] of INJECTIONS.entries()) {
      const d = await evaluate(snapshot((s) => (s['order']!['instrument'] = payload)), set, entry, { clock, evaluator });
      expect(d.violations).toEqual([{ ruleId: `${payload}-${i}`, action: 'reject', message: `${payload} on ${payload} vs ${payload}`, facts: { 'order.instrument': payload } }]);
      expect(d.evaluated).toHaveLength(INJECTIONS.length);
    }
    expect((globalThis as Record<string, unknown>)['__tradegatePwned']).toBeUndefined();
  });
});

describe('decisions as data', () => {
  it('carries the evaluated rules through JSON, spreading and cloning, with the values seen at decision time', async () => {
    const s = snapshot();
    const d = await evaluate(s, ruleSet, entry, { clock });
    (s['controls']!['allowed_instruments'] as string[]).push('DOGE-USD');
    s['feed']!['age_ms'] = 1;
    const verdict = { ruleId: 'stale-feed-pause', fired: false, facts: { 'feed.stale': false, 'feed.age_ms': 500 } };
    expect(d.evaluated).toContainEqual(verdict);
    expect((JSON.parse(JSON.stringify(d)) as typeof d).evaluated).toContainEqual(verdict);
    expect({ ...d }.evaluated).toContainEqual(verdict);
    expect(structuredClone(d).evaluated).toContainEqual(verdict);
    expect(d.evaluated.find((v) => v.ruleId === 'scope-guard')?.facts['controls.allowed_instruments']).toEqual(['BTC-USD', 'ETH-USD', 'LTC-USD']);
    expect(Object.keys(d)).toEqual(['outcome', 'violations', 'evaluated', 'errors', 'ruleSetVersion', 'evaluatedAt', 'context']);
  });
});

describe('evaluate with a faulty evaluator', () => {
  const throwing = (how: 'sync' | 'async' | 'short' | 'junk'): Evaluator => ({
    name: 'compiled',
    prepare: () => ({
      run: (_facts, selected) => {
        if (how === 'sync') throw new Error('boom');
        if (how === 'async') return Promise.reject(new Error('async boom'));
        if (how === 'short') return [];
        return selected.map(() => 'yes' as unknown as boolean).concat([true, true, true, true]).slice(0, 4);
      },
    }),
  });

  it.each(['sync', 'async', 'short', 'junk'] as const)('fails closed with EVALUATION_FAILED when the evaluator fails (%s)', async (how) => {
    for (const appliesTo of ['entry', 'tick'] as const) {
      const d = await evaluate(snapshot(), ruleSet, { ...entry, appliesTo }, { clock, evaluator: throwing(how) });
      expect(d.outcome).toBe(FAIL_CLOSED[appliesTo]);
      expect(d.errors.map((e) => e.code)).toEqual(['EVALUATION_FAILED']);
      expect(d.evaluated.length).toBeGreaterThan(0);
      expect(d.evaluated.every((v) => !v.fired)).toBe(true);
    }
  });

  it('fails closed when preparing the rules throws', async () => {
    const d = await evaluate(snapshot(), ruleSet, entry, { clock, evaluator: { name: 'compiled', prepare: () => { throw new Error('cannot prepare'); } } });
    expect(d).toMatchObject({ outcome: 'reject', errors: [{ code: 'EVALUATION_FAILED', message: 'rule evaluation failed: cannot prepare' }] });
  });

  it('fails closed even when what the evaluator throws cannot be printed', async () => {
    const nasty = { toString: () => { throw new Error('no'); } };
    const evaluator: Evaluator = { name: 'compiled', prepare: () => ({ run: () => { throw nasty; } }) };
    const d = await evaluate(snapshot(), ruleSet, entry, { clock, evaluator });
    expect(d).toMatchObject({ outcome: 'reject', errors: [{ code: 'EVALUATION_FAILED', message: 'rule evaluation failed: an error that cannot be printed' }] });
  });

  it('fails closed when the clock fails', async () => {
    const d = await evaluate(snapshot(), ruleSet, entry, { clock: { now: () => Number.NaN } });
    expect(d).toMatchObject({ outcome: 'reject', evaluatedAt: 0, errors: [{ code: 'EVALUATION_FAILED' }] });
  });
});
