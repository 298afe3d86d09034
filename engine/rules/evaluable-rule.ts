// Checks a resolved rule can be evaluated safely (catalog facts, known operators, JSON-safe literals) and lists the facts it reads.
import { TradegateError } from '../errors.ts';
import { FACT_CATALOG } from './fact-catalog.ts';
import { OPERATORS } from './operators.ts';
import type { Literal, ResolvedLeaf, ResolvedNode, ResolvedRule } from './rule.ts';

/** Deeper trees than this are refused: no operator writes them, and they would only exhaust the stack. */
export const MAX_CONDITION_DEPTH = 64;

export type NodeShape =
  | { readonly kind: 'all' | 'any'; readonly children: readonly ResolvedNode[] }
  | { readonly kind: 'not'; readonly child: ResolvedNode }
  | { readonly kind: 'leaf'; readonly leaf: ResolvedLeaf };

function fail(ruleId: string, message: string): never {
  throw new TradegateError('EVALUATION_FAILED', `rule ${JSON.stringify(ruleId)}: ${message}`, { ruleId });
}

/**
 * Tells a node's kind by its own keys only, so a node carrying both `all` and `fact`, or a key
 * inherited through a prototype, is refused instead of read one way here and another way there.
 */
export function shapeOf(node: unknown, ruleId: string): NodeShape {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) fail(ruleId, 'a condition is not an object');
  const keys = Object.keys(node);
  const has = (k: string): boolean => Object.hasOwn(node, k);
  const n = node as Record<string, unknown>;
  if (has('all') || has('any')) {
    const kind = has('all') ? 'all' : 'any';
    const children = n[kind];
    if (keys.length !== 1 || !Array.isArray(children)) fail(ruleId, `"${kind}" must be the only key and hold a list`);
    return { kind, children: children as ResolvedNode[] };
  }
  if (has('not')) {
    if (keys.length !== 1) fail(ruleId, '"not" must be the only key');
    return { kind: 'not', child: n['not'] as ResolvedNode };
  }
  if (has('fact') && has('operator') && has('value')) return { kind: 'leaf', leaf: node as ResolvedLeaf };
  return fail(ruleId, `a condition must be all, any, not or a leaf (fact, operator, value); got keys ${JSON.stringify(keys)}`);
}

function checkLiteral(value: unknown, ruleId: string): Literal {
  const scalarOk = (v: unknown): boolean =>
    typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  if (scalarOk(value)) return value as Literal;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
    return value as Literal;
  }
  return fail(ruleId, 'a literal must be a finite number, a string, a boolean or a list of strings or finite numbers');
}

function checkFact(path: unknown, ruleId: string): string {
  if (typeof path !== 'string' || !FACT_CATALOG.has(path)) fail(ruleId, `unknown fact ${JSON.stringify(path)}`);
  return path;
}

/** The right-hand side of a leaf, checked: a fact path from the catalog or a JSON-safe literal. */
export function rightHandSide(leaf: ResolvedLeaf, ruleId: string): { readonly fact: string } | { readonly literal: Literal } {
  const v = leaf.value as unknown;
  if (v === null || typeof v !== 'object') fail(ruleId, 'a condition value must be resolved ({kind: literal|fact})');
  const kind = (v as { kind?: unknown }).kind;
  if (kind === 'fact') return { fact: checkFact((v as { path?: unknown }).path, ruleId) };
  if (kind === 'literal') return { literal: checkLiteral((v as { value?: unknown }).value, ruleId) };
  return fail(ruleId, `a condition value has unknown kind ${JSON.stringify(kind)}`);
}

/** Walks a rule's conditions, checking each node, and calls `visit` on every leaf. */
function walk(node: unknown, ruleId: string, depth: number, visit: (leaf: ResolvedLeaf) => void): void {
  if (depth > MAX_CONDITION_DEPTH) fail(ruleId, `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`);
  const shape = shapeOf(node, ruleId);
  if (shape.kind === 'leaf') visit(shape.leaf);
  else if (shape.kind === 'not') walk(shape.child, ruleId, depth + 1, visit);
  else for (const child of shape.children) walk(child, ruleId, depth + 1, visit);
}

/**
 * Every fact the rule's conditions read (left and right sides), in first-use order; throws a
 * TradegateError(EVALUATION_FAILED) naming the rule when anything is not safe to evaluate.
 * The facts are derived from the conditions themselves rather than trusted from `factsRead`,
 * so the guard always validates exactly what evaluation will read.
 */
export function checkEvaluable(rule: ResolvedRule): readonly string[] {
  const ruleId = typeof rule.id === 'string' ? rule.id : String(rule.id);
  const facts: string[] = [];
  const add = (p: string): void => {
    if (!facts.includes(p)) facts.push(p);
  };
  walk(rule.when, ruleId, 0, (leaf) => {
    add(checkFact(leaf.fact, ruleId));
    if (typeof leaf.operator !== 'string' || !OPERATORS.has(leaf.operator)) {
      fail(ruleId, `unknown operator ${JSON.stringify(leaf.operator)}`);
    }
    const rhs = rightHandSide(leaf, ruleId);
    if ('fact' in rhs) add(rhs.fact);
  });
  return facts;
}
