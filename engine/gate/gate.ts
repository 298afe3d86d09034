// The rules gate: evaluates every applicable rule against a fact snapshot and returns a Decision, failing closed on any doubt.
import type { Clock } from '../clock.ts';
import { type Evaluator, type EvaluatorName, type FiredFlags, evaluatorByName } from '../rules/evaluator.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import {
  type AppliesTo,
  type Decision,
  type DecisionContext,
  type DecisionError,
  type FactSnapshot,
  type Outcome,
  type RuleVerdict,
  type Violation,
  mostSevere,
} from '../types.ts';
import { type GuardedFacts, guardFacts } from './fact-guard.ts';
import { type GatePlan, type Selection, contextProblem, evaluationFailure, gatePlan } from './gate-plan.ts';
import { renderMessage } from './render-message.ts';

export interface GateOptions {
  /** Stamps `evaluatedAt`. */
  readonly clock: Clock;
  /** Default `compiled`; `json-rules-engine` runs the reference semantics. */
  readonly evaluator?: EvaluatorName | Evaluator;
}

/** What a decision comes to when the gate cannot decide: no new risk at that moment. */
export const FAIL_CLOSED: Readonly<Record<AppliesTo, Outcome>> = {
  entry: 'reject',
  exit: 'reject',
  tick: 'pause',
  prelive: 'gate_fail',
};

/** When even the moment is unknown, stop entries everywhere rather than guess which one it was. */
const FAIL_CLOSED_UNKNOWN_CONTEXT: Outcome = 'pause';

const NO_RULE_SET_VERSION = 'none';

function failClosedOutcome(context: DecisionContext): Outcome {
  const moment: unknown = context?.appliesTo;
  return typeof moment === 'string' && Object.hasOwn(FAIL_CLOSED, moment) ? FAIL_CLOSED[moment as AppliesTo] : FAIL_CLOSED_UNKNOWN_CONTEXT;
}

function now(clock: Clock | undefined, errors: DecisionError[]): number {
  try {
    const t = clock?.now();
    if (typeof t === 'number' && Number.isFinite(t)) return t;
    errors.push({ code: 'EVALUATION_FAILED', message: `the clock gave no finite time (${String(t)})` });
  } catch (err) {
    errors.push(evaluationFailure(err));
  }
  return 0;
}

function pick(seen: Readonly<Record<string, unknown>>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) out[p] = seen[p];
  return out;
}

/** Names the rules that read each bad fact, so the operator sees what the gap blocks. */
function withReaders(guarded: GuardedFacts, selection: Selection): DecisionError[] {
  return guarded.errors.map((e) => {
    const readers = selection.rules.filter((r) => r.facts.includes(e.fact!)).map((r) => r.rule.id);
    return { ...e, message: `${e.message}; read by ${readers.join(', ')}` };
  });
}

function checkFlags(flags: FiredFlags, selection: Selection, expected: number): void {
  if (!Array.isArray(flags) || flags.length !== expected) throw new Error('the evaluator answered for a different number of rules');
  for (const p of selection.positions) if (typeof flags[p] !== 'boolean') throw new Error(`the evaluator gave no answer for rule position ${p}`);
}

interface Draft {
  readonly errors: DecisionError[];
  readonly evaluatedAt: number;
  readonly ruleSetVersion: string;
  readonly context: DecisionContext;
}

/** The decision; with any error, at least the fail-closed outcome for the context. */
function finish(draft: Draft, evaluated: readonly RuleVerdict[] = [], violations: readonly Violation[] = [], fired: Outcome = 'allow'): Decision {
  const outcome = draft.errors.length > 0 ? mostSevere(failClosedOutcome(draft.context), fired) : fired;
  return { outcome, violations, evaluated, errors: draft.errors, ruleSetVersion: draft.ruleSetVersion, evaluatedAt: draft.evaluatedAt, context: draft.context };
}

/**
 * Decides on one snapshot. Never throws: every fault becomes an error in the Decision, with the
 * fail-closed outcome for the context (entry and exit reject, tick pauses, prelive fails the gate).
 * Rules whose facts are all valid are still evaluated when another fact is bad, so a firing
 * emergency rule is never hidden behind a missing fact; the outcome is then the more severe of
 * the fail-closed outcome and what fired. Any value is accepted as the snapshot.
 */
export async function evaluate(
  snapshot: FactSnapshot,
  ruleSet: RuleSet | null | undefined,
  context: DecisionContext,
  options: GateOptions,
): Promise<Decision> {
  const errors: DecisionError[] = [];
  const evaluatedAt = now(options?.clock, errors);
  const ruleSetVersion = typeof ruleSet?.version === 'string' ? ruleSet.version : NO_RULE_SET_VERSION;
  const draft: Draft = { errors, evaluatedAt, ruleSetVersion, context };
  let selection: Selection | undefined;
  try {
    const evaluator = typeof options.evaluator === 'object' ? options.evaluator : evaluatorByName(options.evaluator ?? 'compiled');
    const plan = ruleSet && context !== null && typeof context === 'object' ? gatePlan(ruleSet, evaluator) : undefined;
    // A cache hit proves the context valid (the cache holds only contexts that passed the check below).
    selection = plan?.cached(context);
    if (!selection) {
      const badContext = contextProblem(context);
      if (badContext) {
        errors.push({ code: 'EVALUATION_FAILED', message: badContext });
        return finish(draft);
      }
      if (!plan) {
        errors.push({ code: 'RULE_SET_UNAVAILABLE', message: 'no valid rule set is loaded; nothing may trade' });
        return finish(draft);
      }
      selection = plan.select(context);
    }
    if (selection.fast && errors.length === 0) {
      const evaluated = selection.fast(snapshot);
      if (evaluated !== null) return fastDecision(draft, selection, evaluated);
    }
    return await decide(draft, snapshot, plan!, selection);
  } catch (err) {
    errors.push(evaluationFailure(err));
    return finish(draft, selection ? selection.rules.map((r) => ({ ruleId: r.rule.id, fired: false, facts: {} })) : []);
  }
}

async function decide(draft: Draft, snapshot: unknown, plan: GatePlan, selection: Selection): Promise<Decision> {
  const guarded = guardFacts(snapshot, selection.factPlan);
  if (guarded.errors.length > 0) draft.errors.push(...withReaders(guarded, selection));
  if (plan.failure || !plan.prepared) {
    draft.errors.push(plan.failure ?? evaluationFailure('the rule set was not prepared'));
    return finish(draft, verdicts(selection, guarded, undefined).evaluated);
  }
  // Only rules whose every fact is valid reach the evaluator; the others stay undecided (not fired).
  const positions =
    guarded.invalid.size === 0
      ? selection.positions
      : selection.rules.filter((r) => r.facts.every((f) => !guarded.invalid.has(f))).map((r) => r.position);
  let flags: FiredFlags | Promise<FiredFlags>;
  try {
    flags = plan.prepared.run(guarded.facts, positions);
    // Awaited only when asynchronous: the compiled path stays synchronous to the end.
    if (flags instanceof Promise) flags = await flags;
    checkFlags(flags, selection, plan.ruleCount);
  } catch (err) {
    draft.errors.push(evaluationFailure(err));
    return finish(draft, verdicts(selection, guarded, undefined).evaluated);
  }
  const v = verdicts(selection, guarded, flags);
  return finish(draft, v.evaluated, v.violations, v.outcome);
}

/** A decision from the fast path, where every fact was valid and every verdict is already made. */
function fastDecision(draft: Draft, selection: Selection, evaluated: RuleVerdict[]): Decision {
  let outcome: Outcome = 'allow';
  let violations: Violation[] | undefined;
  for (let i = 0; i < evaluated.length; i++) {
    const verdict = evaluated[i]!;
    if (!verdict.fired) continue;
    const rule = selection.rules[i]!.rule;
    violations ??= [];
    violations.push({ ruleId: rule.id, action: rule.action, message: renderMessage(rule, verdict.facts), facts: verdict.facts });
    outcome = mostSevere(outcome, rule.action);
  }
  return finish(draft, evaluated, violations, outcome);
}

function verdicts(
  selection: Selection,
  guarded: GuardedFacts,
  flags: FiredFlags | undefined,
): { evaluated: RuleVerdict[]; violations: Violation[]; outcome: Outcome } {
  const evaluated: RuleVerdict[] = [];
  const violations: Violation[] = [];
  let outcome: Outcome = 'allow';
  for (const { rule, position, facts: paths } of selection.rules) {
    const facts = pick(guarded.seen, paths);
    const fired = flags !== undefined && flags[position] === true;
    evaluated.push({ ruleId: rule.id, fired, facts });
    if (fired) {
      violations.push({ ruleId: rule.id, action: rule.action, message: renderMessage(rule, facts), facts });
      outcome = mostSevere(outcome, rule.action);
    }
  }
  return { evaluated, violations, outcome };
}
