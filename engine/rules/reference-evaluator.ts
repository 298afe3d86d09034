// json-rules-engine 7.3.1 as the reference semantics: one Engine per rule set and selection, runs serialized, results counted, per-leaf traces.
import { Engine } from 'json-rules-engine';
import type { RuleResult, TopLevelCondition } from 'json-rules-engine';
import { TradegateError } from '../errors.ts';
import type { FlatFacts } from '../types.ts';
import { checkEvaluable, rightHandSide, shapeOf } from './evaluable-rule.ts';
import type { Evaluator, FiredFlags, PreparedRules } from './evaluator.ts';
import type { ResolvedNode, ResolvedRule } from './rule.ts';

/** One evaluated condition as json-rules-engine saw it: the material of `engine explain`. */
export type ConditionTrace =
  | { readonly kind: 'all' | 'any'; readonly result?: boolean; readonly children: readonly ConditionTrace[] }
  | { readonly kind: 'not'; readonly result?: boolean; readonly child: ConditionTrace }
  | {
      readonly kind: 'leaf';
      readonly fact: string;
      readonly operator: string;
      /** The right-hand side as written: a literal, or `{fact: PATH}`. */
      readonly value: unknown;
      readonly factResult?: unknown;
      readonly valueResult?: unknown;
      readonly result?: boolean;
    };

export interface RuleTrace {
  /** Position of the rule in the prepared list. */
  readonly position: number;
  readonly fired: boolean;
  readonly conditions: ConditionTrace;
}

export interface ReferenceRules extends PreparedRules {
  run(facts: FlatFacts, selected: readonly number[]): Promise<FiredFlags>;
  /** Like run, with json-rules-engine's per-condition results for each selected rule. */
  trace(facts: FlatFacts, selected: readonly number[]): Promise<readonly RuleTrace[]>;
}

type JreNode = Record<string, unknown>;

function toJre(node: ResolvedNode, ruleId: string): JreNode {
  const shape = shapeOf(node, ruleId);
  if (shape.kind === 'leaf') {
    const rhs = rightHandSide(shape.leaf, ruleId);
    const value = 'fact' in rhs ? { fact: rhs.fact } : Array.isArray(rhs.literal) ? [...rhs.literal] : rhs.literal;
    return { fact: shape.leaf.fact, operator: shape.leaf.operator, value };
  }
  if (shape.kind === 'not') return { not: toJre(shape.child, ruleId) };
  return { [shape.kind]: shape.children.map((c) => toJre(c, ruleId)) };
}

/** json-rules-engine wants all, any or not at the root; a lone leaf is wrapped in an `all` of one, which it evaluates identically. */
function rootConditions(rule: ResolvedRule): TopLevelCondition {
  const node = toJre(rule.when, rule.id);
  return ('fact' in node ? { all: [node] } : node) as TopLevelCondition;
}

function traceOf(condition: unknown): ConditionTrace {
  const c = condition as Record<string, unknown>;
  const result = typeof c['result'] === 'boolean' ? { result: c['result'] } : {};
  if (Array.isArray(c['all'])) return { kind: 'all', ...result, children: c['all'].map(traceOf) };
  if (Array.isArray(c['any'])) return { kind: 'any', ...result, children: c['any'].map(traceOf) };
  if (c['not'] !== undefined) return { kind: 'not', ...result, child: traceOf(c['not']) };
  return {
    kind: 'leaf',
    fact: String(c['fact']),
    operator: String(c['operator']),
    value: c['value'],
    ...('factResult' in c ? { factResult: c['factResult'] } : {}),
    ...('valueResult' in c ? { valueResult: c['valueResult'] } : {}),
    ...result,
  };
}

/** Engines built for distinct selections are kept; beyond this many the cache starts over. */
const MAX_ENGINES = 64;

class ReferencePrepared implements ReferenceRules {
  readonly #rules: readonly ResolvedRule[];
  readonly #factsRead: readonly (readonly string[])[];
  readonly #engines = new Map<string, Engine>();
  /** engine.status is shared by every in-flight run() of an Engine: one evaluation at a time. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(rules: readonly ResolvedRule[]) {
    this.#rules = rules;
    // Converting every rule now surfaces any rule json-rules-engine could not take, once, at prepare time.
    this.#factsRead = rules.map((r) => {
      const facts = checkEvaluable(r);
      rootConditions(r);
      return facts;
    });
  }

  async run(facts: FlatFacts, selected: readonly number[]): Promise<FiredFlags> {
    const results = await this.#serial(facts, selected);
    const fired: boolean[] = this.#rules.map(() => false);
    for (const [position, r] of results) fired[position] = r.result === true;
    return fired;
  }

  async trace(facts: FlatFacts, selected: readonly number[]): Promise<readonly RuleTrace[]> {
    const results = await this.#serial(facts, selected);
    return selected.map((position) => {
      const r = results.get(position)!;
      let conditions = traceOf(r.conditions);
      // Undo the wrapping of a lone leaf, so the trace has the rule's own shape.
      const own = shapeOf(this.#rules[position]!.when, this.#rules[position]!.id);
      if (own.kind === 'leaf' && conditions.kind === 'all' && conditions.children.length === 1) conditions = conditions.children[0]!;
      // json-rules-engine records no result on the root condition; the rule's result is that result.
      else if (conditions.result === undefined) conditions = { ...conditions, result: r.result === true };
      return { position, fired: r.result === true, conditions };
    });
  }

  #serial(facts: FlatFacts, selected: readonly number[]): Promise<Map<number, RuleResult>> {
    const task = (): Promise<Map<number, RuleResult>> => this.#runOnce(facts, selected);
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #runOnce(facts: FlatFacts, selected: readonly number[]): Promise<Map<number, RuleResult>> {
    const engine = this.#engineFor(selected);
    const runtimeFacts: Record<string, unknown> = {};
    for (const position of selected) {
      for (const path of this.#factsRead[position]!) {
        // Only own, defined values: json-rules-engine turns a function into a dynamic fact and would call it.
        const value = Object.hasOwn(facts, path) ? facts[path] : undefined;
        if (value !== undefined && typeof value !== 'function') runtimeFacts[path] = value;
      }
    }
    const { results, failureResults } = await engine.run(runtimeFacts);
    const byPosition = new Map<number, RuleResult>();
    for (const r of [...results, ...failureResults]) {
      const position = Number(r.name);
      if (!selected.includes(position) || byPosition.has(position)) {
        throw new TradegateError('EVALUATION_FAILED', `json-rules-engine returned an unexpected result for rule position ${r.name}`);
      }
      byPosition.set(position, r);
    }
    // A rule skipped without an error (engine.status gone FINISHED under us) must not read as "did not fire".
    if (byPosition.size !== selected.length) {
      throw new TradegateError('EVALUATION_FAILED', `json-rules-engine returned ${byPosition.size} results for ${selected.length} rules`);
    }
    return byPosition;
  }

  #engineFor(selected: readonly number[]): Engine {
    const key = selected.join(',');
    let engine = this.#engines.get(key);
    if (engine) return engine;
    engine = new Engine([], { allowUndefinedFacts: false, allowUndefinedConditions: false, replaceFactsInEventParams: false });
    for (const position of selected) {
      const rule = this.#rules[position];
      if (!rule || !Number.isInteger(position)) throw new TradegateError('EVALUATION_FAILED', `no rule at position ${String(position)}`);
      // Rules are named by position: ids and messages never reach json-rules-engine.
      engine.addRule({ name: String(position), priority: 1, conditions: rootConditions(rule), event: { type: 'fired' } });
    }
    if (this.#engines.size >= MAX_ENGINES) this.#engines.clear();
    this.#engines.set(key, engine);
    return engine;
  }
}

export interface ReferenceEvaluator extends Evaluator {
  prepare(rules: readonly ResolvedRule[]): ReferenceRules;
}

export const referenceEvaluator: ReferenceEvaluator = {
  name: 'json-rules-engine',
  prepare(rules: readonly ResolvedRule[]): ReferenceRules {
    return new ReferencePrepared(rules);
  },
};
