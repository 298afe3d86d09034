// Semantic validation of structurally valid rules into ResolvedRules: every problem of every file in one pass.
import { basename } from 'node:path';
import type { Locate } from '../config/source-map.ts';
import { joinPointer } from '../config/json-pointer.ts';
import type { ErrorCode, Problem } from '../errors.ts';
import { ACTIONS_BY_APPLIES_TO } from '../types.ts';
import { checkConditions, type ConditionScope, type Report } from './check-conditions.ts';
import { closestName, didYouMean } from './did-you-mean.ts';
import { FACT_CATALOG } from './fact-catalog.ts';
import type { ParamSpec, ResolvedRule, RuleSource } from './rule.ts';

/** One rule the schema accepted, with where it came from. */
export interface LocatedRule {
  readonly source: RuleSource;
  readonly file: string;
  /** Its index in the file's `rules` list: problems point at `/rules/<index>/...`. */
  readonly index: number;
  readonly locate: Locate;
}

export interface RuleValidation {
  /** The rules that passed every check (all of them when `problems` is empty). */
  readonly rules: readonly ResolvedRule[];
  readonly problems: readonly Problem[];
}

function reporter(rule: LocatedRule, problems: Problem[]): Report {
  return (code: ErrorCode, pointer: string, message: string, target: 'key' | 'value' = 'value') => {
    const at = rule.locate(pointer, target);
    problems.push({ code, file: rule.file, line: at.line, col: at.col, pointer, ruleId: rule.source.id, message: `rule ${rule.source.id}: ${message}` });
  };
}

function valueMatchesType(spec: ParamSpec): boolean {
  const v = spec.value;
  switch (spec.type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'string[]':
      return Array.isArray(v) && v.every((x: unknown) => typeof x === 'string');
  }
}

function checkParam(name: string, spec: ParamSpec, base: string, report: Report): void {
  const at = joinPointer(base, 'params', name);
  if (!valueMatchesType(spec)) {
    report('RULE_TYPE_MISMATCH', joinPointer(at, 'value'), `param ${name} is declared ${spec.type} but its value is ${JSON.stringify(spec.value)}`);
    return;
  }
  const numeric = spec.type === 'number' || spec.type === 'integer';
  for (const bound of ['min', 'max'] as const) {
    if (spec[bound] !== undefined && !numeric) {
      report('RULE_TYPE_MISMATCH', joinPointer(at, bound), `param ${name} is ${spec.type}; ${bound} applies only to number and integer params`);
    }
  }
  if (!numeric) return;
  const value = spec.value as number;
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) {
    report('RULE_PARAM_OUT_OF_RANGE', joinPointer(at, 'min'), `param ${name} declares min ${spec.min} above its max ${spec.max}`);
  }
  if (spec.min !== undefined && value < spec.min) {
    report('RULE_PARAM_OUT_OF_RANGE', joinPointer(at, 'value'), `param ${name} = ${value} is below its min ${spec.min}`);
  }
  if (spec.max !== undefined && value > spec.max) {
    report('RULE_PARAM_OUT_OF_RANGE', joinPointer(at, 'value'), `param ${name} = ${value} is above its max ${spec.max}`);
  }
}

function checkAction(rule: RuleSource, base: string, report: Report): void {
  for (const moment of rule.applies_to) {
    const allowed = ACTIONS_BY_APPLIES_TO[moment];
    if (!allowed.includes(rule.action)) {
      report('RULE_ACTION_NOT_ALLOWED', joinPointer(base, 'action'), `action ${rule.action} cannot be taken at ${moment}; allowed at ${moment}: ${allowed.join(', ')}`);
    }
  }
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const FACT_PATHS = [...FACT_CATALOG.keys()];

/** What is wrong with a placeholder, naming it; suggestions come only from declared params and catalog facts, never from a misspelt fact a condition reads. */
function placeholderMessage(name: string, shown: readonly string[]): string {
  const head = `message placeholder {{${name}}}`;
  const canShow = shown.length > 0 ? ` (this message can show: ${shown.join(', ')})` : ' (this rule has no params and reads no catalog fact, so its message can show none)';
  if (FACT_CATALOG.has(name)) {
    return `${head} names the catalog fact ${name}, which no condition of this rule reads; a message shows only params and the facts its conditions read, the values recorded with a decision${canShow}`;
  }
  const readable = closestName(name, shown);
  const catalogGuess = readable === undefined ? closestName(name, FACT_PATHS) : undefined;
  const guess =
    readable !== undefined
      ? `; did you mean "${readable}"?`
      : catalogGuess !== undefined
        ? `; did you mean the catalog fact "${catalogGuess}"? A condition must read it before a message can show it`
        : '';
  return `${head} names neither a param of this rule nor a catalog fact${guess}${canShow}`;
}

function checkPlaceholders(rule: RuleSource, factsRead: readonly string[], base: string, report: Report): void {
  const params = Object.keys(rule.params ?? {});
  // A fact a condition reads but the catalog lacks is reported there; it is nothing a message can show.
  const shown = [...params, ...factsRead.filter((f) => FACT_CATALOG.has(f))];
  for (const match of rule.message.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (shown.includes(name)) continue;
    report('RULE_UNKNOWN_PLACEHOLDER', joinPointer(base, 'message'), placeholderMessage(name, shown));
  }
}

function checkUnused(params: Readonly<Record<string, ParamSpec>>, used: ReadonlySet<string>, base: string, report: Report): void {
  const unknownRefs = [...used].filter((u) => !Object.hasOwn(params, u));
  for (const name of Object.keys(params)) {
    if (used.has(name)) continue;
    report('RULE_UNUSED_PARAM', joinPointer(base, 'params', name), `param ${name} is declared but no condition reads it, and a limit nobody reads guards nothing${didYouMean(name, unknownRefs)}`, 'key');
  }
}

/** Checks one rule; returns it resolved, or undefined when it has problems (all of them reported). */
function checkRule(rule: LocatedRule, problems: Problem[]): ResolvedRule | undefined {
  const before = problems.length;
  const report = reporter(rule, problems);
  const src = rule.source;
  const base = joinPointer('/', 'rules', rule.index);
  const params = src.params ?? {};
  for (const [name, spec] of Object.entries(params)) checkParam(name, spec, base, report);
  checkAction(src, base, report);
  const scope: ConditionScope = { params, report, factsRead: [], paramsUsed: new Set() };
  const when = checkConditions(src.when, joinPointer(base, 'when'), scope);
  checkUnused(params, scope.paramsUsed, base, report);
  checkPlaceholders(src, scope.factsRead, base, report);
  if (problems.length > before || when === undefined) return undefined;
  const at = rule.locate(base, 'value');
  return {
    id: src.id,
    description: src.description,
    appliesTo: [...src.applies_to],
    action: src.action,
    when,
    params,
    message: src.message,
    enabled: src.enabled ?? true,
    filters: src.filters ?? {},
    ...(src.cooldown_ms !== undefined ? { cooldownMs: src.cooldown_ms } : {}),
    factsRead: scope.factsRead,
    source: { file: rule.file, line: at.line, col: at.col },
  };
}

function checkDuplicateIds(rules: readonly LocatedRule[], problems: Problem[]): Set<LocatedRule> {
  const first = new Map<string, LocatedRule>();
  const duplicates = new Set<LocatedRule>();
  for (const rule of rules) {
    const earlier = first.get(rule.source.id);
    if (!earlier) {
      first.set(rule.source.id, rule);
      continue;
    }
    duplicates.add(rule);
    const pointer = joinPointer('/', 'rules', rule.index, 'id');
    const here = rule.locate(pointer);
    const there = earlier.locate(joinPointer('/', 'rules', earlier.index, 'id'));
    const message = `rule id ${rule.source.id} is defined twice: ${basename(earlier.file)}:${there.line}:${there.col} and ${basename(rule.file)}:${here.line}:${here.col}; ids must be unique across the rule set`;
    problems.push({ code: 'RULE_DUPLICATE_ID', file: rule.file, line: here.line, col: here.col, pointer, ruleId: rule.source.id, message });
  }
  return duplicates;
}

/**
 * Validates rules from every file of a rule set together (ids are unique across files). Rules come in load
 * order; problems come back grouped by rule in that order, each located at file:line:col with its rule id.
 */
export function validateRules(rules: readonly LocatedRule[]): RuleValidation {
  const problems: Problem[] = [];
  const duplicates = checkDuplicateIds(rules, problems);
  const resolved: ResolvedRule[] = [];
  for (const rule of rules) {
    const ok = checkRule(rule, problems);
    if (ok && !duplicates.has(rule)) resolved.push(ok);
  }
  return { rules: resolved, problems };
}
