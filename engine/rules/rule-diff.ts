// What changed between two rule sets (added, removed, changed rules and each parameter's old and new value), for reload logs.
import type { Literal, ParamSpec, ResolvedNode, ResolvedRule } from './rule.ts';
import type { RuleSet } from './rule-set.ts';

export interface ParamChange {
  readonly name: string;
  /** Undefined when the parameter was added. */
  readonly before: Literal | undefined;
  /** Undefined when the parameter was removed. */
  readonly after: Literal | undefined;
}

export interface RuleChange {
  readonly ruleId: string;
  /** ResolvedRule fields that differ, e.g. `['action', 'params']`. */
  readonly fields: readonly string[];
  /** Parameters whose value changed, appeared or disappeared (a changed min, max or description shows only in `fields`). */
  readonly params: readonly ParamChange[];
}

export interface RuleSetDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly RuleChange[];
}

/** Fields that make a rule behave or read differently; source position and derived factsRead are left out. */
const COMPARED_FIELDS = ['description', 'appliesTo', 'action', 'when', 'params', 'message', 'enabled', 'filters', 'cooldownMs'] as const;

/** JSON with sorted keys, so two equal values that YAML wrote in another key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

function paramChanges(before: Readonly<Record<string, ParamSpec>>, after: Readonly<Record<string, ParamSpec>>): ParamChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: ParamChange[] = [];
  for (const name of names) {
    const was = Object.hasOwn(before, name) ? before[name]?.value : undefined;
    const now = Object.hasOwn(after, name) ? after[name]?.value : undefined;
    if (canonical(was) !== canonical(now)) changes.push({ name, before: was, after: now });
  }
  return changes;
}

/**
 * Conditions with each substituted parameter value replaced by the parameter's name: a new limit value is a
 * change of `params`, not of `when`.
 */
function conditionShape(node: ResolvedNode): unknown {
  if ('all' in node) return { all: node.all.map(conditionShape) };
  if ('any' in node) return { any: node.any.map(conditionShape) };
  if ('not' in node) return { not: conditionShape(node.not) };
  const value = node.value.kind === 'literal' && node.value.param !== undefined ? { param: node.value.param } : node.value;
  return { ...node, value };
}

function comparable(rule: ResolvedRule, field: (typeof COMPARED_FIELDS)[number]): string {
  return canonical(field === 'when' ? conditionShape(rule.when) : rule[field]);
}

function ruleChange(before: ResolvedRule, after: ResolvedRule): RuleChange | undefined {
  const fields = COMPARED_FIELDS.filter((f) => comparable(before, f) !== comparable(after, f));
  if (fields.length === 0) return undefined;
  return { ruleId: after.id, fields, params: paramChanges(before.params, after.params) };
}

/** Rules added, removed and changed from `before` to `after`; ids in sorted order. */
export function diffRuleSets(before: RuleSet, after: RuleSet): RuleSetDiff {
  const added = [...after.byId.keys()].filter((id) => !before.byId.has(id)).sort();
  const removed = [...before.byId.keys()].filter((id) => !after.byId.has(id)).sort();
  const changed: RuleChange[] = [];
  for (const rule of after.rules) {
    const old = before.byId.get(rule.id);
    const change = old ? ruleChange(old, rule) : undefined;
    if (change) changed.push(change);
  }
  return { added, removed, changed };
}

/** True when the two sets hold the same rules with the same behaviour. */
export function isEmptyDiff(diff: RuleSetDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}
