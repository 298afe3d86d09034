// Work the gate does once per rule set and evaluator: prepared rules, the facts each rule reads, the rules each context selects.
import { messageOf, TradegateError } from '../errors.ts';
import { checkEvaluable } from '../rules/evaluable-rule.ts';
import { compiledEvaluator } from '../rules/compile.ts';
import type { Evaluator, PreparedRules } from '../rules/evaluator.ts';
import type { ResolvedRule } from '../rules/rule.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import { APPLIES_TO, type DecisionContext, type DecisionError, MODES } from '../types.ts';
import { type FactPlan, planFacts } from './fact-guard.ts';
import { type FastPath, compileFastPath } from './fast-path.ts';

export interface RulePlan {
  readonly rule: ResolvedRule;
  /** Position among the enabled rules: the index evaluators use. */
  readonly position: number;
  /** Facts the conditions read, left and right sides, in first-use order. */
  readonly facts: readonly string[];
}

export interface Selection {
  /** Rules this context evaluates, in rule-set order. */
  readonly rules: readonly RulePlan[];
  readonly positions: readonly number[];
  /** Every fact the selected rules read. */
  readonly factPlan: FactPlan;
  /** With the compiled evaluator: validation and evaluation fused in one generated function. */
  readonly fast?: FastPath;
}

export interface GatePlan {
  readonly prepared?: PreparedRules;
  /** Set when the rule set cannot be evaluated at all; every decision against it fails closed. */
  readonly failure?: DecisionError;
  /** Enabled rules in the set: the length of every answer from the evaluator. */
  readonly ruleCount: number;
  /** The rules this context selects; a context seen before is answered from a cache. */
  select(context: DecisionContext): Selection;
  /** The cached selection, without validating the context: a hit means these exact values were valid before. */
  cached(context: DecisionContext): Selection | undefined;
}

/** Distinct contexts remembered per plan; beyond this the cache starts over rather than grow without end. */
const MAX_SELECTIONS = 1024;

/**
 * Selections by appliesTo, mode, venue, instrument, strategy: nested maps keyed by the context's
 * own values (undefined included), so a lookup builds no key string.
 */
class SelectionCache {
  #root = new Map<unknown, unknown>();
  #size = 0;

  /** Unrolled: this runs on every decision. */
  get(c: DecisionContext): Selection | undefined {
    const byMode = this.#root.get(c.appliesTo) as Map<unknown, unknown> | undefined;
    const byVenue = byMode?.get(c.mode) as Map<unknown, unknown> | undefined;
    const byInstrument = byVenue?.get(c.venue) as Map<unknown, unknown> | undefined;
    const byStrategy = byInstrument?.get(c.instrument) as Map<unknown, unknown> | undefined;
    return byStrategy?.get(c.strategy) as Selection | undefined;
  }

  set(c: DecisionContext, selection: Selection): void {
    if (this.#size >= MAX_SELECTIONS) {
      this.#root = new Map();
      this.#size = 0;
    }
    let level = this.#root;
    for (const k of [c.appliesTo, c.mode, c.venue, c.instrument]) {
      let next = level.get(k) as Map<unknown, unknown> | undefined;
      if (!next) {
        next = new Map();
        level.set(k, next);
      }
      level = next;
    }
    level.set(c.strategy, selection);
    this.#size += 1;
  }
}

function filterAllows(filter: readonly string[] | undefined, value: string | undefined): boolean {
  // A filter narrows a rule to named venues, instruments or strategies. A context that does not
  // say which one it is cannot slip past a narrowed limit: the rule applies.
  return filter === undefined || value === undefined || filter.includes(value);
}

export function ruleApplies(rule: ResolvedRule, context: DecisionContext): boolean {
  const f = rule.filters ?? {};
  return (
    rule.enabled !== false &&
    rule.appliesTo.includes(context.appliesTo) &&
    (f.modes === undefined || f.modes.includes(context.mode)) &&
    filterAllows(f.venues, context.venue) &&
    filterAllows(f.instruments, context.instrument) &&
    filterAllows(f.strategies, context.strategy)
  );
}

const OPTIONAL_CONTEXT_KEYS = ['venue', 'instrument', 'strategy'] as const;

/** Why a context cannot be served, or undefined when it is well formed. */
export function contextProblem(context: unknown): string | undefined {
  if (context === null || typeof context !== 'object') return 'the decision context is not an object';
  const c = context as Record<string, unknown>;
  if (!(APPLIES_TO as readonly unknown[]).includes(c['appliesTo'])) return `unknown appliesTo ${JSON.stringify(c['appliesTo'])}`;
  if (!(MODES as readonly unknown[]).includes(c['mode'])) return `unknown mode ${JSON.stringify(c['mode'])}`;
  for (const k of OPTIONAL_CONTEXT_KEYS) {
    if (c[k] !== undefined && typeof c[k] !== 'string') return `${k} must be a string when given`;
  }
  return undefined;
}

function selectionFor(chosen: readonly RulePlan[], fused: boolean): Selection {
  const factPlan = planFacts(chosen.flatMap((r) => r.facts));
  const paths = factPlan.entries.map((e) => e.path);
  const base = { rules: chosen, positions: chosen.map((r) => r.position), factPlan };
  return fused ? { ...base, fast: compileFastPath(chosen.map((r) => r.rule), paths) } : base;
}

function build(ruleSet: RuleSet, evaluator: Evaluator): GatePlan {
  const enabled = ruleSet.rules.filter((r) => r.enabled !== false);
  let failure: DecisionError | undefined;
  const rules: RulePlan[] = enabled.map((rule, position) => {
    let facts: readonly string[] = [];
    try {
      facts = checkEvaluable(rule);
    } catch (err) {
      failure ??= evaluationFailure(err, rule.id);
    }
    return { rule, position, facts };
  });
  let prepared: PreparedRules | undefined;
  if (!failure) {
    try {
      prepared = evaluator.prepare(enabled);
    } catch (err) {
      failure = evaluationFailure(err);
    }
  }
  const selections = new SelectionCache();
  const fused = prepared !== undefined && evaluator === compiledEvaluator;
  const select = (context: DecisionContext): Selection => {
    let selection = selections.get(context);
    if (!selection) {
      selection = selectionFor(rules.filter((r) => ruleApplies(r.rule, context)), fused);
      selections.set(context, selection);
    }
    return selection;
  };
  const cached = (context: DecisionContext): Selection | undefined => selections.get(context);
  return { ...(prepared ? { prepared } : {}), ...(failure ? { failure } : {}), ruleCount: rules.length, select, cached };
}

export function evaluationFailure(err: unknown, ruleId?: string): DecisionError {
  const message = messageOf(err);
  const id = ruleId ?? (err instanceof TradegateError && typeof err.details['ruleId'] === 'string' ? err.details['ruleId'] : undefined);
  return { code: 'EVALUATION_FAILED', message: `rule evaluation failed: ${message}`, ...(id !== undefined ? { ruleId: id } : {}) };
}

const plans = new WeakMap<RuleSet, Map<Evaluator, GatePlan>>();

/** The plan for this rule set and evaluator, built on first use and kept as long as the rule set lives. */
export function gatePlan(ruleSet: RuleSet, evaluator: Evaluator): GatePlan {
  let byEvaluator = plans.get(ruleSet);
  if (!byEvaluator) {
    byEvaluator = new Map();
    plans.set(ruleSet, byEvaluator);
  }
  let plan = byEvaluator.get(evaluator);
  if (!plan) {
    plan = build(ruleSet, evaluator);
    byEvaluator.set(evaluator, plan);
  }
  return plan;
}
