// Specs of the rule compiler: json-rules-engine's semantics leaf by leaf, compile-time refusals, and generated code that keeps every rule value as data.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { compileRules, compileSource } from '../../../engine/rules/compile.ts';
import { FACT_CATALOG } from '../../../engine/rules/fact-catalog.ts';
import { OPERATOR_NAMES } from '../../../engine/rules/operators.ts';
import { referenceEvaluator } from '../../../engine/rules/reference-evaluator.ts';
import type { ConditionNode, ResolvedRule } from '../../../engine/rules/rule.ts';
import { TradegateError } from '../../../engine/errors.ts';
import type { FlatFacts } from '../../../engine/types.ts';
import { INJECTIONS, nodeArb, SPECS, validValueArb } from '../../helpers/random-rules.ts';
import { numberParam, testRule } from '../../helpers/resolved-rule.ts';

const all = (rules: readonly ResolvedRule[]): number[] => rules.map((_, i) => i);
const rule = (when: ConditionNode, id = 'r'): ResolvedRule => testRule({ id, when });

function compileError(r: ResolvedRule): TradegateError {
  try {
    compileRules([r]);
  } catch (err) {
    return err as TradegateError;
  }
  throw new Error('expected compileRules to throw');
}

describe('compileRules', () => {
  it('evaluates each numeric operator exactly on, just under and just over the limit', () => {
    const ops = ['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'equal', 'notEqual'] as const;
    const rules = ops.map((operator) => rule({ all: [{ fact: 'order.quantity', operator, value: 10 }] }, operator));
    const run = compileRules(rules);
    const at = (q: number): boolean[] => [...run({ 'order.quantity': q }, all(rules))];
    expect(at(10)).toEqual([false, true, false, true, true, false]);
    expect(at(10 - 1e-12)).toEqual([true, true, false, false, false, true]);
    expect(at(10 + 1e-12)).toEqual([false, false, true, true, false, true]);
  });

  it('evaluates list operators like json-rules-engine: in/notIn on the value list, contains/doesNotContain on the fact list', () => {
    const rules = [
      rule({ all: [{ fact: 'order.instrument', operator: 'in', value: ['BTC-USD', 'ETH-USD'] }] }),
      rule({ all: [{ fact: 'order.instrument', operator: 'notIn', value: ['BTC-USD'] }] }),
      rule({ all: [{ fact: 'controls.allowed_instruments', operator: 'contains', value: 'ETH-USD' }] }),
      rule({ all: [{ fact: 'controls.allowed_instruments', operator: 'doesNotContain', value: 'ETH-USD' }] }),
      rule({ all: [{ fact: 'order.instrument', operator: 'in', value: { fact: 'controls.allowed_instruments' } }] }),
      rule({ all: [{ fact: 'order.quantity', operator: 'in', value: [1, 2] }] }),
    ];
    const run = compileRules(rules);
    const facts = { 'order.instrument': 'ETH-USD', 'controls.allowed_instruments': ['BTC-USD'], 'order.quantity': 2 };
    expect(run(facts, all(rules))).toEqual([true, true, false, true, false, true]);
  });

  it('compares a fact with another fact', () => {
    const rules = [rule({ all: [{ fact: 'order.notional_usd', operator: 'greaterThan', value: { fact: 'account.cash_usd' } }] })];
    const run = compileRules(rules);
    expect(run({ 'order.notional_usd': 101, 'account.cash_usd': 100 }, [0])).toEqual([true]);
    expect(run({ 'order.notional_usd': 100, 'account.cash_usd': 100 }, [0])).toEqual([false]);
  });

  it('treats empty all and empty any as true, as json-rules-engine 7.3.1 does, and not of either as false', async () => {
    const rules = [rule({ all: [] }), rule({ any: [] }), rule({ not: { all: [] } }), rule({ not: { any: [] } }), rule({ all: [{ any: [] }, { not: { not: { all: [] } } }] })];
    const expected = [true, true, false, false, true];
    expect(compileRules(rules)({}, all(rules))).toEqual(expected);
    expect(await referenceEvaluator.prepare(rules).run({}, all(rules))).toEqual(expected);
  });

  it('evaluates only the selected positions and answers false for the others', () => {
    const rules = [rule({ all: [] }), rule({ all: [] }), rule({ all: [] })];
    expect(compileRules(rules)({}, [2])).toEqual([false, false, true]);
  });

  it('refuses a position it has no rule for', () => {
    expect(() => compileRules([rule({ all: [] })])({}, [3])).toThrow(/no rule at position 3/);
  });

  it('has a leaf emitter for every operator in the operator table', () => {
    for (const operator of OPERATOR_NAMES) {
      const spec = [...FACT_CATALOG.values()].find((s) => (operator.includes('ontain') ? s.type === 'string[]' : s.type === 'number'))!;
      const value = operator === 'in' || operator === 'notIn' ? [1] : spec.type === 'string[]' ? 'x' : 1;
      expect(() => compileRules([rule({ all: [{ fact: spec.path, operator, value }] })]), operator).not.toThrow();
    }
  });

  it('refuses at compile time an unknown operator, naming the rule', () => {
    const err = compileError(rule({ all: [{ fact: 'order.quantity', operator: 'not:equal', value: 1 }] }, 'bad-op'));
    expect(err).toBeInstanceOf(TradegateError);
    expect(err.code).toBe('EVALUATION_FAILED');
    expect(err.message).toMatch(/bad-op.*unknown operator "not:equal"/);
  });

  it('refuses operators that exist only on Object.prototype', () => {
    for (const operator of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(compileError(rule({ all: [{ fact: 'order.quantity', operator, value: 1 }] })).message).toMatch(/unknown operator/);
    }
  });

  it('refuses a fact outside the catalog on either side of a comparison', () => {
    expect(compileError(rule({ all: [{ fact: 'order.nope', operator: 'equal', value: 1 }] })).message).toMatch(/unknown fact "order.nope"/);
    expect(compileError(rule({ all: [{ fact: 'order.quantity', operator: 'equal', value: { fact: '__proto__.x' } }] })).message).toMatch(/unknown fact/);
  });

  it('refuses literals JSON cannot carry faithfully (NaN, Infinity, objects, null)', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, null, [Number.NaN], [{}]]) {
      const r = { ...rule({ all: [] }), when: { all: [{ fact: 'order.quantity', operator: 'equal', value: { kind: 'literal', value } }] } } as unknown as ResolvedRule;
      expect(compileError(r).message).toMatch(/literal must be/);
    }
  });

  it('refuses malformed condition nodes instead of guessing their meaning', () => {
    const bad = [{ all: [], fact: 'order.quantity' }, { any: 'x' }, { not: {}, extra: 1 }, { fact: 'order.quantity', operator: 'equal' }, null, 'all'];
    for (const when of bad) {
      const r = { ...rule({ all: [] }), when } as unknown as ResolvedRule;
      expect(() => compileRules([r]), JSON.stringify(when)).toThrow(TradegateError);
    }
  });

  it('refuses conditions nested deeper than any operator writes', () => {
    let when: ConditionNode = { fact: 'order.quantity', operator: 'equal', value: 1 };
    for (let i = 0; i < 100; i++) when = { not: when };
    expect(compileError(rule(when)).message).toMatch(/deeper than/);
  });
});

describe('compiled code versus json-rules-engine on valid typed facts', () => {
  it('gives the same result for every random condition tree (raw condition results, no gate)', async () => {
    const factsArb = fc.tuple(...SPECS.map((s) => validValueArb(s))).map((values) => Object.fromEntries(SPECS.map((s, i) => [s.path, values[i]])) as FlatFacts);
    const rulesArb = fc.array(nodeArb(4), { minLength: 1, maxLength: 6 }).map((nodes) => nodes.map((when, i) => rule(when, `r${i}`)));
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(rulesArb, fc.array(factsArb, { minLength: 5, maxLength: 5 }), async (rules, factSets) => {
        const compiled = compileRules(rules);
        const reference = referenceEvaluator.prepare(rules);
        for (const facts of factSets) {
          expect(compiled(facts, all(rules))).toEqual(await reference.run(facts, all(rules)));
          compared += rules.length;
        }
      }),
      { seed: 424242, numRuns: 600 },
    );
    expect(compared).toBeGreaterThan(5000);
  });
});

describe('generated code and injection attempts', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)['__tradegatePwned'];
  });

  it('never contains rule ids, descriptions or messages', () => {
    const r = testRule({ id: 'secret-id-xyz', message: 'secret message {{max}}', params: { max: numberParam(5) }, when: { all: [{ fact: 'order.quantity', operator: 'greaterThan', value: { param: 'max' } }] } });
    const source = compileSource([{ ...r, description: 'secret description' }]);
    expect(source).not.toMatch(/secret/);
    expect(source).toContain('f["order.quantity"] > 5');
  });

  it('keeps hostile ids, string values and messages as data: compiles, evaluates correctly, executes nothing', async () => {
    const rules = INJECTIONS.map((payload, i) =>
      testRule({
        id: payload,
        message: `${payload} {{${'order.instrument'}}}`,
        params: { s: { type: 'string', value: payload, description: payload } },
        when: {
          any: [
            { fact: 'order.instrument', operator: 'equal', value: { param: 's' } },
            { fact: 'order.instrument', operator: 'in', value: [payload, `${payload}${i}`] },
            { fact: 'controls.allowed_instruments', operator: 'contains', value: payload },
          ],
        },
      }),
    );
    const source = compileSource(rules);
    expect(source).not.toMatch(/[\u2028\u2029]/);
    const run = compileRules(rules);
    for (const [i, payload] of INJECTIONS.entries()) {
      const hit = run({ 'order.instrument': payload, 'controls.allowed_instruments': [] }, all(rules));
      expect(hit.map((h, j) => h === (j === i))).toEqual(rules.map(() => true));
      const inList = run({ 'order.instrument': 'BTC-USD', 'controls.allowed_instruments': [payload] }, all(rules));
      expect(inList[i]).toBe(true);
      expect(await referenceEvaluator.prepare(rules).run({ 'order.instrument': payload, 'controls.allowed_instruments': [] }, all(rules))).toEqual(hit);
    }
    expect((globalThis as Record<string, unknown>)['__tradegatePwned']).toBeUndefined();
  });

  it('emits a hostile string so the generated source parses back to exactly that string', () => {
    for (const payload of INJECTIONS) {
      const source = compileSource([rule({ all: [{ fact: 'order.instrument', operator: 'equal', value: payload }] })]);
      const emitted = /=== ("(?:[^"\\]|\\.)*")\)/.exec(source)![1]!;
      expect(JSON.parse(emitted)).toBe(payload);
    }
  });
});
