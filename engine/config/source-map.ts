// Parses one YAML operator file safely into a plain value, and maps JSON pointers back to line:col in it.
import { type Document, isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type YAMLError } from 'yaml';
import type { ErrorCode, Problem } from '../errors.ts';
import { ROOT_POINTER, parsePointer } from './json-pointer.ts';
import { readTextFile } from './read-text-file.ts';

/** 1-based, as editors count. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/**
 * Where a pointer lands in the file. `key` points at the key that holds the value (best for a missing or
 * unknown key); `value` at the value itself. A pointer that runs past the document lands on its deepest part.
 */
export type Locate = (pointer: string, target?: 'key' | 'value') => Position;

export type ParsedYaml =
  | { readonly ok: true; readonly value: unknown; readonly locate: Locate }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** A billion-laughs file expands aliases exponentially; real operator files need a handful. */
export const MAX_ALIAS_COUNT = 100;
/** Rules nest a few levels; deeper documents are refused before anything recurses over them. */
export const MAX_NESTING_DEPTH = 64;
/** A garbage file can yield thousands of syntax errors; the first ones are what an operator needs. */
const MAX_REPORTED = 50;

const PARSE_OPTIONS = {
  // Off: yaml's pretty code frames crash node on pathological input (measured at 10,000 nested brackets).
  prettyErrors: false,
  uniqueKeys: true,
  stringKeys: true,
  // Only the YAML 1.2 core schema: `!!binary`, `!!set`, dates and custom tags become reported errors.
  schema: 'core',
  resolveKnownTags: false,
  merge: false,
  logLevel: 'error',
} as const;

function problem(file: string, code: ErrorCode, at: Position, message: string): Problem {
  return { code, file, line: at.line, col: at.col, pointer: ROOT_POINTER, message };
}

function yamlProblem(file: string, lines: LineCounter, text: string, err: YAMLError): Problem {
  const at = lines.linePos(err.pos[0]);
  const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (err.code === 'DUPLICATE_KEY') {
    // yaml marks only the key's first character: read the key (quoted or plain) from there.
    const key = (/^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:,{}[\]\n]*)/.exec(text.slice(err.pos[0], err.pos[0] + 200))?.[1] ?? '').trim();
    const shown = /^["']/.test(key) ? key : JSON.stringify(key);
    return problem(file, 'YAML_DUPLICATE_KEY', at, `key ${shown} appears twice in one map; each key may appear once`);
  }
  if (err.code === 'RESOURCE_EXHAUSTION') return problem(file, 'YAML_SYNTAX', at, 'the document is nested too deeply to parse');
  return problem(file, 'YAML_SYNTAX', at, `${reason} (${err.code})`);
}

function capped(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_REPORTED) return problems;
  const kept = problems.slice(0, MAX_REPORTED);
  const last = kept[kept.length - 1]!;
  kept.push({ ...last, code: 'YAML_SYNTAX', message: `${problems.length - MAX_REPORTED} more YAML errors not shown` });
  return kept;
}

/** Deepest collection nesting, iteratively: the guard itself must not recurse. */
function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_NESTING_DEPTH) return deepest;
    if (isCollection(node)) for (const item of node.items) stack.push([item, depth + 1]);
    else if (isPair(node)) stack.push([node.key, depth], [node.value, depth]);
  }
  return deepest;
}

function firstAlias(doc: Document): Node | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node;
    if (isCollection(node)) stack.push(...[...node.items].reverse());
    else if (isPair(node)) stack.push(node.value, node.key);
  }
  return undefined;
}

function toValue(doc: Document, file: string, lines: LineCounter): { value: unknown } | { problem: Problem } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = lines.linePos(firstAlias(doc)?.range?.[0] ?? 0);
    if (/alias count/i.test(message)) {
      return { problem: problem(file, 'YAML_ALIAS_LIMIT', at, `aliases expand beyond the limit of ${MAX_ALIAS_COUNT} (a YAML bomb?); write the values out instead`) };
    }
    return { problem: problem(file, 'YAML_SYNTAX', at, message) };
  }
}

/** Parses YAML text into a plain value. Never throws: every failure is a Problem with a position. */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lines }) as Document.Parsed[];
  } catch (err) {
    return { ok: false, problems: [problem(file, 'YAML_SYNTAX', { line: 1, col: 1 }, `cannot parse: ${(err as Error).message}`)] };
  }
  if (!Array.isArray(docs) || docs.length === 0) {
    return { ok: false, problems: [problem(file, 'FILE_EMPTY', { line: 1, col: 1 }, 'the file holds no YAML document (empty or only comments)')] };
  }
  const problems: Problem[] = [];
  for (const doc of docs) for (const err of [...doc.errors, ...doc.warnings]) problems.push(yamlProblem(file, lines, text, err));
  for (const extra of docs.slice(1)) {
    const at = lines.linePos(extra.range[0]);
    problems.push(problem(file, 'YAML_MULTIPLE_DOCUMENTS', at, `a second YAML document starts here; an operator file holds exactly one (remove the "---" separator)`));
  }
  if (problems.length > 0) return { ok: false, problems: capped(problems) };
  const doc = docs[0]!;
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.source === '')) {
    return { ok: false, problems: [problem(file, 'FILE_EMPTY', { line: 1, col: 1 }, 'the file holds no YAML document (empty or only comments)')] };
  }
  if (nestingDepth(doc.contents) > MAX_NESTING_DEPTH) {
    return { ok: false, problems: [problem(file, 'YAML_SYNTAX', lines.linePos(0), `the document nests deeper than ${MAX_NESTING_DEPTH} levels`)] };
  }
  const converted = toValue(doc, file, lines);
  if ('problem' in converted) return { ok: false, problems: [converted.problem] };
  return { ok: true, value: converted.value, locate: locator(doc, lines) };
}

/** Reads and parses a file; size, encoding and syntax guards all end in Problems, never in a throw. */
export async function parseYamlFile(path: string): Promise<ParsedYaml> {
  const read = await readTextFile(path);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  return parseYaml(read.text, path);
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function startOf(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] } | null)?.range;
  return range?.[0];
}

/** Builds the pointer-to-position function for one parsed document. */
export function locator(doc: Document, lines: LineCounter): Locate {
  return (pointer, target = 'value') => {
    let node: unknown = doc.contents;
    let key: unknown;
    for (const segment of parsePointer(pointer)) {
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === segment);
        if (pair) {
          key = pair.key;
          next = pair.value ?? pair.key;
        }
      } else if (isSeq(node) && /^\d+$/.test(segment)) {
        next = node.items[Number(segment)];
        if (next !== undefined) key = undefined;
      }
      if (next === undefined) break;
      node = next;
    }
    const chosen = target === 'key' && key !== undefined ? key : node;
    const offset = startOf(chosen) ?? startOf(key) ?? startOf(doc.contents) ?? 0;
    return lines.linePos(offset);
  };
}
