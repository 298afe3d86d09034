// The evaluator contract the gate runs rules through, and the factory that picks one by name.
import { TradegateError } from '../errors.ts';
import type { FlatFacts } from '../types.ts';
import { compiledEvaluator } from './compile.ts';
import { referenceEvaluator } from './reference-evaluator.ts';
import type { ResolvedRule } from './rule.ts';

export const EVALUATOR_NAMES = ['compiled', 'json-rules-engine'] as const;
export type EvaluatorName = (typeof EVALUATOR_NAMES)[number];

/** One flag per prepared rule, by position; rules outside the selection are `false`. */
export type FiredFlags = readonly boolean[];

/** Rules made ready once per rule set (compiled, or loaded into an engine). */
export interface PreparedRules {
  /**
   * Evaluates the rules at the `selected` positions against facts already validated by the
   * fact guard. May answer synchronously or with a promise; throws or rejects on any fault.
   */
  run(facts: FlatFacts, selected: readonly number[]): FiredFlags | Promise<FiredFlags>;
}

export interface Evaluator {
  readonly name: EvaluatorName;
  /** Called once per rule set. Throws a TradegateError(EVALUATION_FAILED) when a rule cannot be evaluated. */
  prepare(rules: readonly ResolvedRule[]): PreparedRules;
}

export function isEvaluatorName(name: unknown): name is EvaluatorName {
  return typeof name === 'string' && (EVALUATOR_NAMES as readonly string[]).includes(name);
}

/** The shared evaluator of that name: the gate caches prepared rules per evaluator, so the same object is returned every time. */
export function evaluatorByName(name: EvaluatorName): Evaluator {
  if (name === 'compiled') return compiledEvaluator;
  if (name === 'json-rules-engine') return referenceEvaluator;
  throw new TradegateError('USAGE', `unknown evaluator ${JSON.stringify(name)}; expected one of ${EVALUATOR_NAMES.join(', ')}`);
}
