// Runs the rule test cases (*.test.yaml) of a rules folder through the gate and compares each decision with what the case expects.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../clock.ts';
import { joinPointer, ROOT_POINTER } from '../config/json-pointer.ts';
import type { Locate } from '../config/source-map.ts';
import type { Problem } from '../errors.ts';
import type { EvaluatorName } from '../rules/evaluator.ts';
import { exampleSnapshot, FACT_NAMESPACES, factSpec } from '../rules/fact-catalog.ts';
import { loadRuleSet, parseOperatorFile } from '../rules/load-rules.ts';
import type { RuleSet } from '../rules/rule-set.ts';
import type { AppliesTo, Decision, DecisionContext, FactSnapshot, Mode, Outcome } from '../types.ts';
import { evaluate } from './gate.ts';

/** The schema every test-case file is checked against, in `schemas/`. */
export const RULE_TEST_SCHEMA = 'rule-test.schema.json';

/** A case exactly as `schemas/rule-test.schema.json` defines it. */
export interface RuleCaseSource {
  readonly name: string;
  readonly context?: {
    readonly applies_to?: AppliesTo;
    readonly mode?: Mode;
    readonly venue?: string;
    readonly instrument?: string;
    readonly strategy?: string;
  };
  readonly facts?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly expect: RuleCaseExpectation;
}

export interface RuleCaseExpectation {
  readonly outcome: Outcome;
  /** The exact set of rule ids that must fire; absent means only the outcome is checked. */
  readonly fired?: readonly string[];
  /** The exact set of error codes the decision carries; absent means it must carry none. */
  readonly errors?: readonly string[];
}

/** What the decision came to, in the terms a case states its expectation in. */
export interface RuleCaseGot {
  readonly outcome: Outcome;
  readonly fired: readonly string[];
  readonly errors: readonly string[];
}

export interface RuleCaseResult {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly passed: boolean;
  readonly expected: RuleCaseExpectation;
  readonly got: RuleCaseGot;
  /** One line per difference between expected and got; empty when the case passed. */
  readonly mismatches: readonly string[];
  readonly decision: Decision;
}

export interface RuleCasesReport {
  /** True when every case passed and nothing stopped a case from running. */
  readonly ok: boolean;
  readonly ruleSet: RuleSet | undefined;
  /** Test-case files found, sorted by name. */
  readonly files: readonly string[];
  readonly results: readonly RuleCaseResult[];
  /** Files or cases that could not be run (bad YAML, schema, unknown rule id or fact), and a rule set that would not load. */
  readonly problems: readonly Problem[];
  /** Enabled rules that no case expects to fire: a limit nobody has shown to work. */
  readonly uncovered: readonly string[];
  readonly passed: number;
  readonly failed: number;
}

export interface RuleCasesOptions {
  /** Default `compiled`, the gate's own default. */
  readonly evaluator?: EvaluatorName;
}

/** A test-case file's name: `<group>.test.yaml` (or `.yml`), never a hidden editor file. */
export function isRuleTestFileName(name: string): boolean {
  return !name.startsWith('.') && /\.test\.ya?ml$/i.test(name);
}

async function listTestFiles(dir: string): Promise<string[]> {
  try {
    const names = (await readdir(dir)).filter(isRuleTestFileName).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return names.map((n) => join(dir, n));
  } catch {
    // A missing or unreadable folder is reported once, by the rule set loader.
    return [];
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The catalog's example snapshot with a case's facts laid over it: a value replaces the example's
 * (lists are replaced, not merged), `null` removes the fact. Returns the unknown paths instead of
 * merging them, since a misspelt override would otherwise leave the example value in place and let
 * the case pass for the wrong reason.
 */
export function caseSnapshot(overrides: RuleCaseSource['facts']): { snapshot: FactSnapshot; unknown: string[] } {
  const snapshot: FactSnapshot = exampleSnapshot();
  const unknown: string[] = [];
  for (const [ns, facts] of Object.entries(overrides ?? {})) {
    if (!FACT_NAMESPACES.includes(ns) || !isPlainObject(facts)) {
      unknown.push(ns);
      continue;
    }
    for (const [key, value] of Object.entries(facts)) {
      const path = `${ns}.${key}`;
      // Only catalog paths are written, so a key such as __proto__ can never reach an assignment.
      if (!factSpec(path)) unknown.push(path);
      else if (value === null) delete snapshot[ns]![key];
      else snapshot[ns]![key] = value;
    }
  }
  return { snapshot, unknown };
}

/** The case's context; venue, instrument and strategy default to the case's own order facts. */
export function caseContext(source: RuleCaseSource['context'], snapshot: FactSnapshot): DecisionContext {
  const fromOrder = (key: string): string | undefined => {
    const v = snapshot['order']?.[key];
    return typeof v === 'string' ? v : undefined;
  };
  const venue = source?.venue ?? fromOrder('venue');
  const instrument = source?.instrument ?? fromOrder('instrument');
  const strategy = source?.strategy ?? fromOrder('strategy');
  return {
    appliesTo: source?.applies_to ?? 'entry',
    mode: source?.mode ?? 'paper',
    ...(venue !== undefined ? { venue } : {}),
    ...(instrument !== undefined ? { instrument } : {}),
    ...(strategy !== undefined ? { strategy } : {}),
  };
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();
const list = (values: readonly string[]): string => `[${values.join(', ')}]`;

function setMismatch(label: string, expected: readonly string[], got: readonly string[]): string | undefined {
  const want = sorted(expected);
  const missing = want.filter((v) => !got.includes(v));
  const extra = got.filter((v) => !want.includes(v));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const parts = [missing.length ? `missing ${list(missing)}` : '', extra.length ? `unexpected ${list(extra)}` : ''].filter(Boolean);
  return `${label}: expected ${list(want)}, got ${list(got)} (${parts.join('; ')})`;
}

/** Compares a decision with a case's expectation; every difference is one line. */
export function compareDecision(expected: RuleCaseExpectation, decision: Decision): { got: RuleCaseGot; mismatches: string[] } {
  const got: RuleCaseGot = {
    outcome: decision.outcome,
    fired: sorted(decision.violations.map((v) => v.ruleId)),
    errors: sorted(decision.errors.map((e) => e.code)),
  };
  const mismatches: string[] = [];
  if (got.outcome !== expected.outcome) mismatches.push(`outcome: expected ${expected.outcome}, got ${got.outcome}`);
  const fired = expected.fired === undefined ? undefined : setMismatch('fired', expected.fired, got.fired);
  if (fired) mismatches.push(fired);
  const errors = setMismatch('errors', expected.errors ?? [], got.errors);
  if (errors) mismatches.push(errors);
  return { got, mismatches };
}

/** One case as read from its file, with what it takes to point at it. */
export interface RuleCase {
  readonly source: RuleCaseSource;
  readonly file: string;
  readonly pointer: string;
  readonly locate: Locate;
}

function caseProblem(c: RuleCase, pointer: string, code: Problem['code'], message: string): Problem {
  const { line, col } = c.locate(pointer);
  return { code, file: c.file, line, col, pointer, message: `case ${JSON.stringify(c.source.name)}: ${message}` };
}

/** Problems that make a case meaningless to run: a rule id no file defines, a fact the catalog lacks. */
export function caseProblems(c: RuleCase, ruleSet: RuleSet | undefined): Problem[] {
  const problems: Problem[] = [];
  (c.source.expect.fired ?? []).forEach((id, i) => {
    if (ruleSet && !ruleSet.byId.has(id)) {
      const at = joinPointer(c.pointer, 'expect', 'fired', i);
      problems.push(caseProblem(c, at, 'RULE_CASE_UNKNOWN_RULE', `expects rule ${JSON.stringify(id)} to fire, but no rule file defines it`));
    }
  });
  for (const path of caseSnapshot(c.source.facts).unknown) {
    const at = joinPointer(c.pointer, 'facts', ...path.split('.'));
    const what = path.includes('.') ? `fact ${path}` : `facts of namespace ${JSON.stringify(path)}`;
    problems.push(caseProblem(c, at, 'RULE_CASE_UNKNOWN_FACT', `sets ${what}, which the fact catalog does not define (see \`engine facts\`)`));
  }
  return problems;
}

export interface RuleCaseFiles {
  /** Test-case files found, sorted by name. */
  readonly files: readonly string[];
  /** Cases of the files the schema accepted, in file then document order. */
  readonly cases: readonly RuleCase[];
  /** YAML and schema problems of the test-case files. */
  readonly problems: readonly Problem[];
}

/** Reads and schema-checks every `*.test.yaml` of `dir`. A file with any problem contributes no case. */
export async function readRuleCases(dir: string): Promise<RuleCaseFiles> {
  const files = await listTestFiles(dir);
  return { files, ...(await readCases(files)) };
}

async function readCases(files: readonly string[]): Promise<{ cases: RuleCase[]; problems: Problem[] }> {
  const parsed = await Promise.all(files.map((f) => parseOperatorFile<{ cases?: unknown }>(f, RULE_TEST_SCHEMA)));
  const cases: RuleCase[] = [];
  const problems: Problem[] = [];
  for (const p of parsed) {
    problems.push(...p.problems);
    // A file the schema refused is not run at all: its cases may not mean what they seem to.
    if (!p.ok || !Array.isArray(p.value?.cases)) continue;
    p.value.cases.forEach((source: RuleCaseSource, i: number) => {
      cases.push({ source, file: p.file, pointer: joinPointer('/cases', i), locate: p.locate });
    });
  }
  return { cases, problems };
}

/** Runs one case through the gate against `ruleSet` (the case's own problems are checked by the caller). */
export async function runRuleCase(c: RuleCase, ruleSet: RuleSet, options: RuleCasesOptions = {}): Promise<RuleCaseResult> {
  const { snapshot } = caseSnapshot(c.source.facts);
  const context = caseContext(c.source.context, snapshot);
  const now = snapshot['time']?.['now_ms'];
  const clock = new ManualClock(typeof now === 'number' && Number.isFinite(now) ? now : 0);
  const decision = await evaluate(snapshot, ruleSet, context, { clock, ...(options.evaluator ? { evaluator: options.evaluator } : {}) });
  const { got, mismatches } = compareDecision(c.source.expect, decision);
  const { line, col } = c.locate(c.pointer);
  return { name: c.source.name, file: c.file, line, col, passed: mismatches.length === 0, expected: c.source.expect, got, mismatches, decision };
}

/** Enabled rules that no passing case expects to fire (and so saw fire). */
function uncoveredRules(ruleSet: RuleSet, results: readonly RuleCaseResult[]): string[] {
  const fired = new Set(results.filter((r) => r.passed).flatMap((r) => r.expected.fired ?? []));
  return ruleSet.rules.filter((r) => r.enabled && !fired.has(r.id)).map((r) => r.id);
}

/** Cases run against a rule set already in hand (e.g. one built in memory), with coverage. */
export async function runRuleCasesAgainst(
  ruleSet: RuleSet,
  cases: readonly RuleCase[],
  options: RuleCasesOptions = {},
): Promise<{ results: RuleCaseResult[]; problems: Problem[]; uncovered: string[] }> {
  const results: RuleCaseResult[] = [];
  const problems: Problem[] = [];
  // One at a time: cases are independent, and a sequential run reports in file order.
  for (const c of cases) {
    const found = caseProblems(c, ruleSet);
    problems.push(...found);
    if (found.length === 0) results.push(await runRuleCase(c, ruleSet, options));
  }
  return { results, problems, uncovered: uncoveredRules(ruleSet, results) };
}

/**
 * Loads the rule set of `dir`, reads every `*.test.yaml` beside it and runs each case through the
 * gate. Never throws for anything in the files: problems come back as data, each with
 * file:line:col. A case with a problem is not run; a folder without test files is a problem too.
 */
export async function runRuleCases(dir: string, options: RuleCasesOptions = {}): Promise<RuleCasesReport> {
  const [loaded, read] = await Promise.all([loadRuleSet(dir), readRuleCases(dir)]);
  const problems: Problem[] = [...loaded.problems];
  if (loaded.ok && read.files.length === 0) {
    const message = `the rules folder ${dir} holds no test-case files (*.test.yaml); nothing was tested`;
    problems.push({ code: 'RULE_CASES_NOT_FOUND', file: dir, line: 1, col: 1, pointer: ROOT_POINTER, message });
  }
  problems.push(...read.problems);
  if (!loaded.ok) {
    // Without a rule set no case can run; the cases' own problems (misspelt facts) are still worth a look.
    for (const c of read.cases) problems.push(...caseProblems(c, undefined));
    return { ok: false, ruleSet: undefined, files: read.files, results: [], problems, uncovered: [], passed: 0, failed: 0 };
  }
  const run = await runRuleCasesAgainst(loaded.ruleSet, read.cases, options);
  problems.push(...run.problems);
  const passed = run.results.filter((r) => r.passed).length;
  const failed = run.results.length - passed;
  const ok = problems.length === 0 && failed === 0;
  return { ok, ruleSet: loaded.ruleSet, files: read.files, results: run.results, problems, uncovered: run.uncovered, passed, failed };
}
