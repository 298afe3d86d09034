// Compiles a rule set's conditions once into one generated function with json-rules-engine's semantics: the fast path of the gate.
import { TradegateError } from '../errors.ts';
import type { FlatFacts } from '../types.ts';
import { checkEvaluable, rightHandSide, shapeOf } from './evaluable-rule.ts';
import { FACT_CATALOG } from './fact-catalog.ts';
import type { Evaluator, FiredFlags, PreparedRules } from './evaluator.ts';
import type { ResolvedLeaf, ResolvedNode, ResolvedRule } from './rule.ts';

/*
 * Safety of the generated code rests on three things, each checked here or in evaluable-rule.ts:
 * fact paths come from the catalog and operators from the operator table (anything else throws
 * before any code is written); every value taken from a rule (fact path keys included) is
 * emitted through JSON.stringify; and rule ids, descriptions and messages never reach the code
 * at all, since rules are addressed by position.
 */

/** JSON.stringify, plus the two line terminators JSON leaves raw, so no literal can end a line of code. */
export function literal(value: unknown): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** json-rules-engine's guard on the fact side of the four numeric operators. */
function numberValidator(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

function badPosition(position: unknown): never {
  throw new TradegateError('EVALUATION_FAILED', `no rule at position ${String(position)}`);
}

type LeafEmitter = (a: string, b: string) => string;

/**
 * json-rules-engine 7.3.1's default operators (dist/engine-default-operators.js), operator by
 * operator: its fact validator first, then the comparison. `typeof a === "number"` short-cuts the
 * numeric validator only where it cannot change the result (a NaN number compares false anyway).
 */
const LEAF: Readonly<Record<string, LeafEmitter>> = {
  equal: (a, b) => `(${a} === ${b})`,
  notEqual: (a, b) => `(${a} !== ${b})`,
  in: (a, b) => `(${b}.indexOf(${a}) > -1)`,
  notIn: (a, b) => `(${b}.indexOf(${a}) === -1)`,
  contains: (a, b) => `(isArray(${a}) && ${a}.indexOf(${b}) > -1)`,
  doesNotContain: (a, b) => `(isArray(${a}) && ${a}.indexOf(${b}) === -1)`,
  lessThan: (a, b) => `((typeof ${a} === "number" || nv(${a})) && ${a} < ${b})`,
  lessThanInclusive: (a, b) => `((typeof ${a} === "number" || nv(${a})) && ${a} <= ${b})`,
  greaterThan: (a, b) => `((typeof ${a} === "number" || nv(${a})) && ${a} > ${b})`,
  greaterThanInclusive: (a, b) => `((typeof ${a} === "number" || nv(${a})) && ${a} >= ${b})`,
};

/** Names the generated condition code calls; a factory built on ConditionEmitter must bind them (see CONDITION_HELPERS). */
export const CONDITION_HELPER_NAMES = ['isArray', 'nv'] as const;
export const CONDITION_HELPERS: readonly [(v: unknown) => boolean, (v: unknown) => boolean] = [Array.isArray, numberValidator];

/** Turns conditions into one JavaScript expression each; `factRef` says how the code reaches a (catalog-checked) fact. */
export class ConditionEmitter {
  /** List literals, hoisted so an evaluation allocates nothing for them. */
  readonly constants: string[] = [];
  readonly #factRef: (path: string) => string;

  constructor(factRef: (path: string) => string = (path) => `f[${literal(path)}]`) {
    this.#factRef = factRef;
  }

  node(node: ResolvedNode, ruleId: string): string {
    const shape = shapeOf(node, ruleId);
    if (shape.kind === 'leaf') return this.leaf(shape.leaf, ruleId);
    if (shape.kind === 'not') return `!${this.node(shape.child, ruleId)}`;
    const parts = shape.children.map((c) => this.node(c, ruleId));
    // json-rules-engine answers true for an empty list under `all` and under `any` alike.
    if (parts.length === 0) return 'true';
    if (parts.length === 1) return parts[0]!;
    return `(${parts.join(shape.kind === 'all' ? ' && ' : ' || ')})`;
  }

  leaf(leaf: ResolvedLeaf, ruleId: string): string {
    const emit = Object.hasOwn(LEAF, leaf.operator) ? LEAF[leaf.operator] : undefined;
    if (!emit) throw new TradegateError('EVALUATION_FAILED', `rule ${literal(ruleId)}: unknown operator ${literal(leaf.operator)}`, { ruleId });
    if (typeof leaf.fact !== 'string' || !FACT_CATALOG.has(leaf.fact)) {
      throw new TradegateError('EVALUATION_FAILED', `rule ${literal(ruleId)}: unknown fact ${literal(leaf.fact)}`, { ruleId });
    }
    const rhs = rightHandSide(leaf, ruleId);
    const a = this.#factRef(leaf.fact);
    let b: string;
    if ('fact' in rhs) b = this.#factRef(rhs.fact);
    else if (Array.isArray(rhs.literal)) {
      b = `c${this.constants.length}`;
      this.constants.push(`const ${b} = ${literal(rhs.literal)};`);
    } else b = literal(rhs.literal);
    return emit(a, b);
  }
}

/** The generated source for these rules (exported so tests can read what is run). */
export function compileSource(rules: readonly ResolvedRule[]): string {
  const emitter = new ConditionEmitter();
  const cases: string[] = [];
  rules.forEach((rule, i) => {
    checkEvaluable(rule);
    cases.push(`      case ${i}: o[${i}] = ${emitter.node(rule.when, rule.id)}; break;`);
  });
  return [
    '"use strict";',
    ...emitter.constants,
    'return function evaluateRules(f, s) {',
    `  const o = [${rules.map(() => 'false').join(', ')}];`,
    '  for (let k = 0; k < s.length; k++) {',
    '    switch (s[k]) {',
    ...cases,
    '      default: badPosition(s[k]);',
    '    }',
    '  }',
    '  return o;',
    '};',
  ].join('\n');
}

export type CompiledRules = (facts: FlatFacts, selected: readonly number[]) => FiredFlags;

/** Compiles once; the returned function evaluates the selected rules synchronously. */
export function compileRules(rules: readonly ResolvedRule[]): CompiledRules {
  const source = compileSource(rules);
  // json-rules-engine's helpers are passed in, so the generated code reads no global a plugin could replace.
  const factory = new Function(...CONDITION_HELPER_NAMES, 'badPosition', source) as (...helpers: unknown[]) => CompiledRules;
  return factory(...CONDITION_HELPERS, badPosition);
}

export const compiledEvaluator: Evaluator = {
  name: 'compiled',
  prepare(rules: readonly ResolvedRule[]): PreparedRules {
    const run = compileRules(rules);
    return { run };
  },
};
