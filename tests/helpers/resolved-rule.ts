// Test helper: builds ResolvedRule objects directly from YAML-shaped conditions, without the rule loader.
import type { ConditionNode, Literal, ParamSpec, ResolvedNode, ResolvedRule, ResolvedValue, RuleFilters, ValueRef } from '../../engine/rules/rule.ts';
import type { Action, AppliesTo } from '../../engine/types.ts';

function resolveValue(value: ValueRef, params: Readonly<Record<string, ParamSpec>>): ResolvedValue {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const ref = value as { readonly fact: string } | { readonly param: string };
    if ('fact' in ref) return { kind: 'fact', path: ref.fact };
    const spec = params[ref.param];
    if (!spec) throw new Error(`test rule names unknown param ${ref.param}`);
    return { kind: 'literal', value: spec.value, param: ref.param };
  }
  return { kind: 'literal', value: value as Literal };
}

export function resolveNode(node: ConditionNode, params: Readonly<Record<string, ParamSpec>> = {}): ResolvedNode {
  if ('all' in node) return { all: node.all.map((c) => resolveNode(c, params)) };
  if ('any' in node) return { any: node.any.map((c) => resolveNode(c, params)) };
  if ('not' in node) return { not: resolveNode(node.not, params) };
  return { fact: node.fact, operator: node.operator, value: resolveValue(node.value, params) };
}

function factsOf(node: ResolvedNode, out: string[] = []): string[] {
  if ('all' in node) for (const c of node.all) factsOf(c, out);
  else if ('any' in node) for (const c of node.any) factsOf(c, out);
  else if ('not' in node) factsOf(node.not, out);
  else {
    if (!out.includes(node.fact)) out.push(node.fact);
    if (node.value.kind === 'fact' && !out.includes(node.value.path)) out.push(node.value.path);
  }
  return out;
}

export interface TestRuleSpec {
  readonly id: string;
  readonly when: ConditionNode;
  readonly action?: Action;
  readonly appliesTo?: readonly AppliesTo[];
  readonly params?: Readonly<Record<string, ParamSpec>>;
  readonly message?: string;
  readonly enabled?: boolean;
  readonly filters?: RuleFilters;
}

export function testRule(spec: TestRuleSpec): ResolvedRule {
  const params = spec.params ?? {};
  const when = resolveNode(spec.when, params);
  return {
    id: spec.id,
    description: `test rule ${spec.id}`,
    appliesTo: spec.appliesTo ?? ['entry'],
    action: spec.action ?? 'reject',
    when,
    params,
    message: spec.message ?? `${spec.id} fired`,
    enabled: spec.enabled ?? true,
    filters: spec.filters ?? {},
    factsRead: factsOf(when),
    source: { file: 'test.yaml', line: 1, col: 1 },
  };
}

export function numberParam(value: number, description = 'a test limit'): ParamSpec {
  return { type: 'number', value, description };
}
