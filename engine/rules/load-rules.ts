// Loads a rules folder into a RuleSet: every *.yaml/*.yml except *.test.yaml, parsed, schema-checked and validated in one pass.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT_POINTER } from '../config/json-pointer.ts';
import type { OperatorFile } from '../config/operator-file.ts';
import { nodeFileIo, type TextFileIo } from '../config/read-text-file.ts';
import type { Problem } from '../errors.ts';
import { parseCacheFor } from './parse-cache.ts';
import type { RuleSource } from './rule.ts';
import { createRuleSet, type RuleSet } from './rule-set.ts';
import { type LocatedRule, validateRules } from './validate-rules.ts';

export { checkParsed, type OperatorFile, parseOperatorFile } from '../config/operator-file.ts';

export type LoadResult =
  | { readonly ok: true; readonly ruleSet: RuleSet; readonly problems: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** The schema every rule file is checked against, in `schemas/`. */
export const RULE_FILE_SCHEMA = 'rule-file.schema.json';

/**
 * A rule file: `*.yaml` or `*.yml`, but never a test-case file (`*.test.yaml`, `*.test.yml`) and never a hidden
 * file (editors' lock and swap files such as `.#rules.yaml` must not be loaded mid-edit).
 */
export function isRuleFileName(name: string): boolean {
  return !name.startsWith('.') && /\.ya?ml$/i.test(name) && !/\.test\.ya?ml$/i.test(name);
}

function dirProblem(dir: string, code: 'RULES_DIR_NOT_FOUND' | 'RULES_DIR_EMPTY', message: string): Problem {
  return { code, file: dir, line: 1, col: 1, pointer: ROOT_POINTER, message };
}

/** The rule files of a folder (sub-folders are not searched), sorted by name (code-unit order, the same on every machine). */
export async function listRuleFiles(dir: string): Promise<{ ok: true; files: string[] } | { ok: false; problem: Problem }> {
  try {
    if (!(await stat(dir)).isDirectory()) return { ok: false, problem: dirProblem(dir, 'RULES_DIR_NOT_FOUND', `the rules folder ${dir} is a file, not a folder`) };
    const entries = await readdir(dir, { withFileTypes: true });
    const names = entries
      .filter((e) => !e.isDirectory() && isRuleFileName(e.name))
      .map((e) => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (names.length === 0) {
      return { ok: false, problem: dirProblem(dir, 'RULES_DIR_EMPTY', `the rules folder ${dir} holds no rule files (*.yaml, *.yml other than *.test.yaml); with no rules nothing is guarded`) };
    }
    return { ok: true, files: names.map((n) => join(dir, n)) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`;
    return { ok: false, problem: dirProblem(dir, 'RULES_DIR_NOT_FOUND', `the rules folder ${dir} ${why}`) };
  }
}

/** Rules of a parsed file that the schema accepted, ready for semantic checks; the others are already reported. */
function cleanRules(parsed: OperatorFile<{ rules?: unknown }>): LocatedRule[] {
  const rules = parsed.value?.rules;
  if (!Array.isArray(rules)) return [];
  const broken = new Set<number>();
  for (const p of parsed.problems) {
    const m = /^\/rules\/(\d+)(?:\/|$)/.exec(p.pointer);
    if (m) broken.add(Number(m[1]));
  }
  return rules.flatMap((source: unknown, index) =>
    broken.has(index) ? [] : [{ source: source as RuleSource, file: parsed.file, index, locate: parsed.locate }],
  );
}

function byFileThenPosition(files: readonly string[]): (a: Problem, b: Problem) => number {
  const order = new Map(files.map((f, i) => [f, i]));
  return (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.col - b.col;
}

export interface LoadOptions {
  /**
   * How many more times a load that caught a file mid-save is made before its problems are returned (default
   * 2, for one-shot loads such as `engine validate`); hot reload passes 0 and loads again after its debounce.
   */
  readonly unstableRetries?: number;
  /** The pause before each of those loads, time for the save to finish (default 25 ms). */
  readonly retryDelayMs?: number;
  /** The file system calls reading each file; tests substitute them to land a save mid-read. */
  readonly io?: TextFileIo;
}

export const DEFAULT_UNSTABLE_RETRIES = 2;
export const DEFAULT_UNSTABLE_RETRY_DELAY_MS = 25;

/** True when a load caught a file mid-save: its result says nothing about the rules, only that a save was under way. */
export function caughtMidSave(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.code === 'FILE_CHANGED_WHILE_READ');
}

/**
 * Loads every rule file of `dir` (not recursive) into one validated, immutable RuleSet. Never throws for
 * anything an operator wrote: missing folder, bad YAML, schema and semantic errors all come back as
 * problems, every one of them, sorted by file then position. Every file is read each time, but only a file
 * whose text changed since the last load of `dir` is parsed and schema-checked again (engine/rules/parse-cache.ts);
 * the semantic checks, which span files (unique ids), always run over the whole set. A file read while a save
 * overlapped it is never taken as rules (it may be half a file that still parses): the load is made again, and
 * if the files are still moving after `unstableRetries`, the result fails with FILE_CHANGED_WHILE_READ.
 */
export async function loadRuleSet(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const retries = options.unstableRetries ?? DEFAULT_UNSTABLE_RETRIES;
  let result = await loadOnce(dir, options.io ?? nodeFileIo);
  for (let i = 0; i < retries && !result.ok && caughtMidSave(result.problems); i++) {
    await sleep(options.retryDelayMs ?? DEFAULT_UNSTABLE_RETRY_DELAY_MS);
    result = await loadOnce(dir, options.io ?? nodeFileIo);
  }
  return result;
}

async function loadOnce(dir: string, io: TextFileIo): Promise<LoadResult> {
  const cache = parseCacheFor(dir, RULE_FILE_SCHEMA);
  const listed = await listRuleFiles(dir);
  if (!listed.ok) {
    cache.retainOnly([]);
    return { ok: false, problems: [listed.problem] };
  }
  const parsed = await Promise.all(listed.files.map((f) => cache.read<{ rules?: unknown }>(f, io)));
  cache.retainOnly(listed.files);
  const validation = validateRules(parsed.flatMap(cleanRules));
  const problems = [...parsed.flatMap((p) => p.problems), ...validation.problems].sort(byFileThenPosition(listed.files));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, ruleSet: createRuleSet(validation.rules, listed.files), problems: [] };
}
