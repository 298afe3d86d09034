// Semantic checks of one rule's `when` tree: known facts and operators, resolvable params, agreeing types; resolves it.
import type { ErrorCode } from '../errors.ts';
import { joinPointer } from '../config/json-pointer.ts';
import { didYouMean } from './did-you-mean.ts';
import { FACT_CATALOG, type FactSpec, type FactType } from './fact-catalog.ts';
import { OPERATOR_NAMES, OPERATORS } from './operators.ts';
import type { ConditionLeaf, ConditionNode, Literal, ParamSpec, ParamType, ResolvedNode, ResolvedValue } from './rule.ts';

/** The type a right-hand side has: a fact type, a list of numbers, or an empty list (fits any list). */
type ValueType = FactType | 'number[]' | 'empty[]' | 'mixed[]';

export type Report = (code: ErrorCode, pointer: string, message: string, target?: 'key' | 'value') => void;

export interface ConditionScope {
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly report: Report;
  /** Filled in first-use order, without duplicates. */
  readonly factsRead: string[];
  readonly paramsUsed: Set<string>;
}

const FACT_PATHS = [...FACT_CATALOG.keys()];

function literalType(value: Literal): ValueType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (value.length === 0) return 'empty[]';
  if (value.every((v: unknown) => typeof v === 'string')) return 'string[]';
  if (value.every((v: unknown) => typeof v === 'number')) return 'number[]';
  return 'mixed[]';
}

function paramType(type: ParamType): ValueType {
  return type === 'integer' ? 'number' : type;
}

function fits(actual: ValueType, expected: ValueType): boolean {
  if (actual === expected) return true;
  return actual === 'empty[]' && (expected === 'string[]' || expected === 'number[]');
}

const TYPE_WORDS: Record<ValueType, string> = {
  number: 'a number',
  boolean: 'true/false',
  string: 'a string',
  'string[]': 'a list of strings',
  'number[]': 'a list of numbers',
  'empty[]': 'an empty list',
  'mixed[]': 'a list mixing types',
};

function noteRead(scope: ConditionScope, path: string): void {
  if (!scope.factsRead.includes(path)) scope.factsRead.push(path);
}

/** Looks a fact up; an unknown one is reported with the closest catalog path. */
function knownFact(path: string, pointer: string, scope: ConditionScope): FactSpec | undefined {
  const spec = FACT_CATALOG.get(path);
  if (!spec) scope.report('RULE_UNKNOWN_FACT', pointer, `unknown fact "${path}"${didYouMean(path, FACT_PATHS)} (\`engine facts\` lists them all)`);
  return spec;
}

interface RightSide {
  readonly resolved: ResolvedValue | undefined;
  /** Undefined when the type cannot be known (unknown param or fact, already reported). */
  readonly type: ValueType | undefined;
  /** The literal the comparison will use, to check against an enum fact. */
  readonly literal?: Literal;
  readonly what: string;
}

function rightSide(value: ConditionLeaf['value'], pointer: string, scope: ConditionScope): RightSide {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    if ('param' in value) {
      const name = value.param;
      const spec = Object.hasOwn(scope.params, name) ? scope.params[name] : undefined;
      scope.paramsUsed.add(name);
      if (!spec) {
        const declared = Object.keys(scope.params);
        const known = declared.length > 0 ? ` (declared: ${declared.join(', ')})` : ' (the rule declares no params)';
        scope.report('RULE_UNKNOWN_PARAM', joinPointer(pointer, 'param'), `unknown param "${name}"${didYouMean(name, declared)}${known}`);
        return { resolved: undefined, type: undefined, what: `param ${name}` };
      }
      return { resolved: { kind: 'literal', value: spec.value, param: name }, type: paramType(spec.type), literal: spec.value, what: `param ${name} (${spec.type})` };
    }
    const path = (value as { fact: string }).fact;
    noteRead(scope, path);
    const spec = knownFact(path, joinPointer(pointer, 'fact'), scope);
    return { resolved: { kind: 'fact', path }, type: spec?.type, what: `fact ${path} (${spec?.type ?? 'unknown'})` };
  }
  const literal = value as Literal;
  return { resolved: { kind: 'literal', value: literal }, type: literalType(literal), literal, what: `the literal ${JSON.stringify(literal)}` };
}

/** For facts with a closed set of values (order.side, controls.kill_level...), a literal must be one of them. */
function checkEnum(spec: FactSpec, right: RightSide, pointer: string, scope: ConditionScope): void {
  if (!spec.enum || right.literal === undefined) return;
  const values = typeof right.literal === 'string' ? [right.literal] : Array.isArray(right.literal) ? right.literal : [];
  for (const v of values) {
    if (typeof v === 'string' && !spec.enum.includes(v)) {
      scope.report('RULE_TYPE_MISMATCH', pointer, `${JSON.stringify(v)} is never a value of ${spec.path}${didYouMean(v, spec.enum)} (its values: ${spec.enum.join(', ')})`);
    }
  }
}

function checkLeaf(leaf: ConditionLeaf, pointer: string, scope: ConditionScope): ResolvedNode | undefined {
  noteRead(scope, leaf.fact);
  const fact = knownFact(leaf.fact, joinPointer(pointer, 'fact'), scope);
  const op = OPERATORS.get(leaf.operator);
  if (!op) {
    scope.report('RULE_UNKNOWN_OPERATOR', joinPointer(pointer, 'operator'), `unknown operator "${leaf.operator}"${didYouMean(leaf.operator, OPERATOR_NAMES)} (operators: ${OPERATOR_NAMES.join(', ')})`);
  }
  const valuePointer = joinPointer(pointer, 'value');
  const right = rightSide(leaf.value, valuePointer, scope);
  if (fact && op) {
    if (!op.factTypes.includes(fact.type)) {
      const accepted = op.factTypes.map((t) => TYPE_WORDS[t]).join(' or ');
      scope.report('RULE_TYPE_MISMATCH', joinPointer(pointer, 'operator'), `operator ${op.name} compares ${accepted}, but ${fact.path} is ${TYPE_WORDS[fact.type]}`);
    } else if (right.type !== undefined) {
      const expected = op.valueType(fact.type);
      if (!fits(right.type, expected)) {
        scope.report('RULE_TYPE_MISMATCH', valuePointer, `${fact.path} ${op.name} expects ${TYPE_WORDS[expected]} as value, got ${right.what}, which is ${TYPE_WORDS[right.type]}`);
      } else {
        checkEnum(fact, right, valuePointer, scope);
      }
    }
  }
  if (!fact || !op || !right.resolved) return undefined;
  return { fact: leaf.fact, operator: leaf.operator, value: right.resolved };
}

/**
 * Checks a condition tree and returns it with params substituted, or undefined when anything in it is wrong.
 * Every problem in the tree is reported, not only the first.
 */
export function checkConditions(node: ConditionNode, pointer: string, scope: ConditionScope): ResolvedNode | undefined {
  for (const kind of ['all', 'any'] as const) {
    if (Object.hasOwn(node, kind)) {
      const children = (node as Record<typeof kind, readonly ConditionNode[]>)[kind];
      const resolved = children.map((child, i) => checkConditions(child, joinPointer(pointer, kind, i), scope));
      if (resolved.some((r) => r === undefined)) return undefined;
      return (kind === 'all' ? { all: resolved } : { any: resolved }) as ResolvedNode;
    }
  }
  if (Object.hasOwn(node, 'not')) {
    const child = checkConditions((node as { not: ConditionNode }).not, joinPointer(pointer, 'not'), scope);
    return child ? { not: child } : undefined;
  }
  return checkLeaf(node as ConditionLeaf, pointer, scope);
}
