// Specs of the gate's fast path: it accepts exactly the snapshots the fact guard accepts, sees the same values and fires the same rules.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { guardFacts, planFacts } from '../../../engine/gate/fact-guard.ts';
import { compileFastPath, fastPathSource } from '../../../engine/gate/fast-path.ts';
import { compileRules } from '../../../engine/rules/compile.ts';
import { checkEvaluable } from '../../../engine/rules/evaluable-rule.ts';
import { exampleSnapshot } from '../../../engine/rules/fact-catalog.ts';
import { INJECTIONS, ruleSetArb, snapshotArb } from '../../helpers/random-rules.ts';
import { testRule } from '../../helpers/resolved-rule.ts';

describe('compileFastPath', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)['__tradegatePwned'];
  });

  it('answers null exactly when the guard finds a bad fact, and otherwise the guard’s values and the compiled flags', () => {
    fc.assert(
      fc.property(ruleSetArb(6), fc.array(snapshotArb(6), { minLength: 10, maxLength: 10 }), (ruleSet, snapshots) => {
        const rules = ruleSet.rules;
        const paths = [...new Set(rules.flatMap((r) => checkEvaluable(r)))];
        const fast = compileFastPath(rules, paths);
        const compiled = compileRules(rules);
        const positions = rules.map((_, i) => i);
        for (const snapshot of snapshots) {
          const guarded = guardFacts(snapshot, planFacts(paths));
          const answer = fast(snapshot);
          if (guarded.errors.length > 0) {
            expect(answer).toBeNull();
            continue;
          }
          expect(answer).not.toBeNull();
          expect(answer!.map((v) => v.fired)).toEqual(compiled(guarded.facts, positions));
          answer!.forEach((verdict, i) => {
            const read = checkEvaluable(rules[i]!);
            expect(verdict.ruleId).toBe(rules[i]!.id);
            expect(verdict.facts).toEqual(Object.fromEntries(read.map((p) => [p, guarded.seen[p]])));
            expect(Object.keys(verdict.facts)).toEqual(read);
          });
        }
      }),
      { seed: 5150, numRuns: 400 },
    );
  });

  it('refuses what json-rules-engine would coerce: numeric strings, NaN, infinities, null, inherited values, sparse lists', () => {
    const rule = testRule({
      id: 'r',
      when: { all: [{ fact: 'order.quantity', operator: 'lessThan', value: 100 }, { fact: 'controls.allowed_instruments', operator: 'contains', value: 'BTC-USD' }] },
    });
    const fast = compileFastPath([rule], ['order.quantity', 'controls.allowed_instruments']);
    const with_ = (ns: string, key: string, value: unknown): Record<string, Record<string, unknown>> => {
      const s = exampleSnapshot();
      s[ns]![key] = value;
      return s;
    };
    expect(fast(exampleSnapshot())).toEqual([
      { ruleId: 'r', fired: true, facts: { 'order.quantity': 0.01, 'controls.allowed_instruments': ['BTC-USD', 'ETH-USD', 'LTC-USD'] } },
    ]);
    for (const bad of ['50', Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null, undefined, true]) {
      expect(fast(with_('order', 'quantity', bad)), String(bad)).toBeNull();
    }
    // biome-ignore lint/suspicious/noSparseArray: a hole is exactly what is being refused
    expect(fast(with_('controls', 'allowed_instruments', [, 'BTC-USD']))).toBeNull();
    const inherited = exampleSnapshot();
    inherited['order'] = Object.create({ quantity: 1 }) as Record<string, unknown>;
    expect(fast(inherited)).toBeNull();
    for (const junk of [null, undefined, 5, 'x', [], { order: null }]) expect(fast(junk)).toBeNull();
  });

  it('copies list facts, so the values it reports cannot change after the decision', () => {
    const rule = testRule({ id: 'r', when: { all: [{ fact: 'controls.allowed_instruments', operator: 'contains', value: 'X' }] } });
    const s = exampleSnapshot();
    const answer = compileFastPath([rule], ['controls.allowed_instruments'])(s)!;
    (s['controls']!['allowed_instruments'] as string[]).push('X');
    expect(answer[0]!.facts['controls.allowed_instruments']).toEqual(['BTC-USD', 'ETH-USD', 'LTC-USD']);
  });

  it('keeps hostile ids, messages and values as data', () => {
    const rules = INJECTIONS.map((payload) =>
      testRule({ id: payload, message: payload, when: { any: [{ fact: 'order.instrument', operator: 'equal', value: payload }, { fact: 'market.regime', operator: 'in', value: [payload] }] } }),
    );
    const source = fastPathSource(rules, ['order.instrument', 'market.regime']);
    expect(source).not.toMatch(/[\u2028\u2029]/);
    expect(source).toContain('ruleId: R[0]');
    const fast = compileFastPath(rules, ['order.instrument', 'market.regime']);
    INJECTIONS.forEach((payload, i) => {
      const s = exampleSnapshot();
      s['order']!['instrument'] = payload;
      const answer = fast(s)!;
      expect(answer.map((v, j) => v.fired === (j === i) && v.ruleId === INJECTIONS[j])).toEqual(rules.map(() => true));
    });
    expect((globalThis as Record<string, unknown>)['__tradegatePwned']).toBeUndefined();
  });

  it('refuses a rule that reads a fact it was not given', () => {
    const rule = testRule({ id: 'r', when: { all: [{ fact: 'order.quantity', operator: 'lessThan', value: 1 }] } });
    expect(() => compileFastPath([rule], [])).toThrow(/not planned/);
  });
});
