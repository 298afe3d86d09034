// The third column of the gate bench: json-rules-engine run directly on the nested snapshots, no fact checks, no Decision.
import { Engine } from 'json-rules-engine';
import type { TopLevelCondition } from 'json-rules-engine';
import { isLeaf, type ResolvedNode, type ResolvedRule } from '../engine/rules/rule.ts';
import type { RuleSet } from '../engine/rules/rule-set.ts';
import type { DecisionContext, FactSnapshot } from '../engine/types.ts';

/** `order.notional_usd` becomes fact `order` at path `$.notional_usd`: the library reads the nested snapshot itself. */
function factRef(path: string): { fact: string; path: string } {
  const dot = path.indexOf('.');
  return { fact: path.slice(0, dot), path: `$.${path.slice(dot + 1)}` };
}

function toJre(node: ResolvedNode): Record<string, unknown> {
  if (isLeaf(node)) {
    const value = node.value.kind === 'fact' ? factRef(node.value.path) : node.value.value;
    return { ...factRef(node.fact), operator: node.operator, value };
  }
  if ('all' in node) return { all: node.all.map(toJre) };
  if ('any' in node) return { any: node.any.map(toJre) };
  return { not: toJre(node.not) };
}

function conditions(rule: ResolvedRule): TopLevelCondition {
  const root = toJre(rule.when);
  return (isLeaf(rule.when) ? { all: [root] } : root) as TopLevelCondition;
}

/** The ids of the rules that fired, from one Engine holding the rules `select` keeps; one run at a time. */
export function jsonRulesEngineRaw(ruleSet: RuleSet, select: (rule: ResolvedRule) => boolean): (snapshot: FactSnapshot) => Promise<string[]> {
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const rule of ruleSet.rules.filter(select)) {
    engine.addRule({ name: rule.id, conditions: conditions(rule), event: { type: rule.action, params: { ruleId: rule.id } } });
  }
  return async (snapshot) => {
    const result = await engine.run(snapshot);
    return result.events.map((e) => String(e.params?.['ruleId'])).sort();
  };
}

/** The rule filter the gate applies for a context (applies_to, mode, venue, instrument, strategy). */
export function appliesIn(context: DecisionContext): (rule: ResolvedRule) => boolean {
  const allows = (list: readonly string[] | undefined, value: string | undefined) => list === undefined || value === undefined || list.includes(value);
  return (rule) =>
    rule.enabled &&
    rule.appliesTo.includes(context.appliesTo) &&
    (rule.filters.modes === undefined || rule.filters.modes.includes(context.mode)) &&
    allows(rule.filters.venues, context.venue) &&
    allows(rule.filters.instruments, context.instrument) &&
    allows(rule.filters.strategies, context.strategy);
}
