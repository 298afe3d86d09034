// Specs of the json-rules-engine reference evaluator: fired flags, strict facts, serialized concurrent runs, per-condition traces.
import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { referenceEvaluator } from '../../../engine/rules/reference-evaluator.ts';
import { numberParam, testRule } from '../../helpers/resolved-rule.ts';

const maxQty = testRule({
  id: 'max-qty',
  params: { max: numberParam(10) },
  when: { all: [{ fact: 'order.quantity', operator: 'greaterThan', value: { param: 'max' } }] },
});
const overCash = testRule({
  id: 'over-cash',
  when: { any: [{ fact: 'order.notional_usd', operator: 'greaterThan', value: { fact: 'account.cash_usd' } }, { not: { fact: 'feed.stale', operator: 'equal', value: false } }] },
});
const loneLeaf = testRule({ id: 'lone-leaf', when: { fact: 'order.quantity', operator: 'lessThan', value: 0 } });
const rules = [maxQty, overCash, loneLeaf];
const facts = { 'order.quantity': 11, 'order.notional_usd': 50, 'account.cash_usd': 100, 'feed.stale': false };

describe('referenceEvaluator', () => {
  it('answers one fired flag per rule, false for rules outside the selection', async () => {
    const prepared = referenceEvaluator.prepare(rules);
    expect(await prepared.run(facts, [0, 1, 2])).toEqual([true, false, false]);
    expect(await prepared.run(facts, [1])).toEqual([false, false, false]);
    expect(await prepared.run({ ...facts, 'feed.stale': true }, [1, 2])).toEqual([false, true, false]);
  });

  it('evaluates a lone leaf at the root, which json-rules-engine itself refuses', async () => {
    expect(() => new Engine([{ conditions: { fact: 'x', operator: 'equal', value: 1 } as never, event: { type: 't' } }])).toThrow(/root must contain/);
    expect(await referenceEvaluator.prepare([loneLeaf]).run({ 'order.quantity': -1 }, [0])).toEqual([true]);
  });

  it('rejects when a fact a selected rule reads is absent (allowUndefinedFacts is off)', async () => {
    await expect(referenceEvaluator.prepare(rules).run({ 'order.quantity': 1 }, [0, 1])).rejects.toThrow(/Undefined fact/);
  });

  it('refuses at prepare time a rule with an unknown operator or fact, naming the rule', () => {
    const bad = testRule({ id: 'bad-op', when: { all: [{ fact: 'order.quantity', operator: 'between', value: 1 }] } });
    expect(() => referenceEvaluator.prepare([bad])).toThrow(/bad-op.*unknown operator/);
    const unknownFact = testRule({ id: 'bad-fact', when: { all: [{ fact: 'order.qty', operator: 'equal', value: 1 }] } });
    expect(() => referenceEvaluator.prepare([unknownFact])).toThrow(/bad-fact.*unknown fact/);
  });

  it('gives every concurrent caller its own complete answer (runs are serialized: engine.status is shared)', async () => {
    const prepared = referenceEvaluator.prepare(rules);
    const inputs = Array.from({ length: 200 }, (_, i) => ({ ...facts, 'order.quantity': i % 20, 'feed.stale': i % 3 === 0 }));
    // Staggered starts: a run that finishes between another run's start and its first rule is what skipped rules unserialized.
    const staggered = async (f: (typeof inputs)[number], i: number): Promise<readonly boolean[]> => {
      for (let k = 0; k < i % 97; k++) await null;
      return prepared.run(f, [0, 1, 2]);
    };
    const answers = await Promise.all(inputs.map(staggered));
    answers.forEach((answer, i) => {
      const f = inputs[i]!;
      expect(answer).toEqual([f['order.quantity'] > 10, f['feed.stale'], false]);
    });
  });

  it('keeps answering after a run rejects', async () => {
    const prepared = referenceEvaluator.prepare(rules);
    const failed = prepared.run({}, [0]);
    const next = prepared.run(facts, [0]);
    await expect(failed).rejects.toThrow();
    expect(await next).toEqual([true, false, false]);
  });

  it('traces every condition with the fact value, the compared value and the result', async () => {
    const traces = await referenceEvaluator.prepare(rules).trace({ ...facts, 'feed.stale': true }, [0, 1, 2]);
    expect(traces.map((t) => [t.position, t.fired])).toEqual([
      [0, true],
      [1, true],
      [2, false],
    ]);
    expect(traces[0]!.conditions).toEqual({
      kind: 'all',
      result: true,
      children: [{ kind: 'leaf', fact: 'order.quantity', operator: 'greaterThan', value: 10, factResult: 11, valueResult: 10, result: true }],
    });
    expect(traces[1]!.conditions).toEqual({
      kind: 'any',
      result: true,
      children: [
        { kind: 'leaf', fact: 'order.notional_usd', operator: 'greaterThan', value: { fact: 'account.cash_usd' }, factResult: 50, valueResult: 100, result: false },
        { kind: 'not', result: true, child: { kind: 'leaf', fact: 'feed.stale', operator: 'equal', value: false, factResult: true, valueResult: false, result: false } },
      ],
    });
    expect(traces[2]!.conditions).toEqual({ kind: 'leaf', fact: 'order.quantity', operator: 'lessThan', value: 0, factResult: 11, valueResult: 0, result: false });
  });

  it('never calls a function passed as a fact value', async () => {
    let called = false;
    const sneaky = {
      ...facts,
      'order.quantity': () => {
        called = true;
        return 99;
      },
    } as unknown as Record<string, number>;
    await expect(referenceEvaluator.prepare(rules).run(sneaky, [0])).rejects.toThrow(/Undefined fact/);
    expect(called).toBe(false);
  });
});
