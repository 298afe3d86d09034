// Per-condition explanations of a decision: re-runs the rules it evaluated through json-rules-engine and keeps each leaf's fact, value and result.
import { type ConditionTrace, type ReferenceRules, referenceEvaluator } from '../rules/reference-evaluator.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import type { Decision } from '../types.ts';
import { guardFacts, planFacts } from './fact-guard.ts';
import { gatePlan } from './gate-plan.ts';

/**
 * Traces, by rule id, of the rules the decision evaluated whose facts were all valid (a rule
 * with a bad fact was never evaluated, so it has no trace). Off the hot path: for `engine explain`.
 */
export async function traceDecision(snapshot: unknown, ruleSet: RuleSet, decision: Decision): Promise<ReadonlyMap<string, ConditionTrace>> {
  const plan = gatePlan(ruleSet, referenceEvaluator);
  if (!plan.prepared || plan.failure) return new Map();
  const wanted = new Set(decision.evaluated.map((v) => v.ruleId));
  const rules = plan.select(decision.context).rules.filter((r) => wanted.has(r.rule.id));
  const guarded = guardFacts(snapshot, planFacts(rules.flatMap((r) => r.facts)));
  const valid = rules.filter((r) => r.facts.every((f) => !guarded.invalid.has(f)));
  // The plan's prepared rules came from referenceEvaluator.prepare, which returns ReferenceRules.
  const traces = await (plan.prepared as ReferenceRules).trace(
    guarded.facts,
    valid.map((r) => r.position),
  );
  return new Map(traces.map((t) => [valid.find((r) => r.position === t.position)!.rule.id, t.conditions]));
}
