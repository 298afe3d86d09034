// The gate's fast path: one generated function per rule selection that reads the nested snapshot, checks each fact against the catalog and evaluates the rules.
import { CONDITION_HELPER_NAMES, CONDITION_HELPERS, ConditionEmitter, literal } from '../rules/compile.ts';
import { checkEvaluable } from '../rules/evaluable-rule.ts';
import { factSpec } from '../rules/fact-catalog.ts';
import type { ResolvedRule } from '../rules/rule.ts';
import type { RuleVerdict } from '../types.ts';
import { copyStringList } from './fact-guard.ts';

/*
 * The fast path never reports why a fact is bad: it answers null, and the gate takes the general
 * path (fact-guard.ts, then the evaluator), which names every bad fact. Its checks must therefore
 * accept exactly what the guard accepts; the gate's differential test holds the two to that, since
 * the compiled evaluator decides through here and json-rules-engine through the general path.
 * The same code-generation rules as compile.ts apply: catalog paths only, every literal through
 * JSON.stringify (`literal`), no rule id or message in the code.
 */

/** The verdict of each selected rule, in selection order; null when any fact is not valid. */
export type FastPath = (snapshot: unknown) => RuleVerdict[] | null;

/*
 * Own properties only, as the guard reads them, but without a call per fact: every object read is
 * required to be plain (its prototype Object.prototype, or none), and Object.prototype is required to
 * hold none of the names read. Then a value found is an own value. Anything else (a class instance,
 * a polluted Object.prototype) answers null and goes the guard's way, which is exact.
 */
function plain(o: object): boolean {
  const proto: unknown = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

class FastPathWriter {
  readonly lines: string[] = [];
  readonly constants: string[] = [];
  /** Every property name read, to be checked absent from Object.prototype. */
  readonly names = new Set<string>();
  readonly #namespaces = new Map<string, string>();

  namespace(ns: string): string {
    let name = this.#namespaces.get(ns);
    if (name) return name;
    name = `n${this.#namespaces.size}`;
    this.#namespaces.set(ns, name);
    this.names.add(ns);
    this.lines.push(`  const ${name} = s[${literal(ns)}];`, `  if (${name} === null || typeof ${name} !== "object" || !plain(${name})) return null;`);
    return name;
  }

  /** Reads one fact into `v<i>` and returns null from the generated function unless it has the catalog's type. */
  fact(path: string, i: number): void {
    const spec = factSpec(path);
    if (!spec) throw new Error(`fast path: unknown fact ${literal(path)}`);
    const dot = path.indexOf('.');
    const ns = this.namespace(path.slice(0, dot));
    this.names.add(path.slice(dot + 1));
    const key = literal(path.slice(dot + 1));
    const v = `v${i}`;
    const read = `${ns}[${key}]`;
    switch (spec.type) {
      case 'number':
        // x - x is 0 for every finite number and NaN for NaN and both infinities.
        this.lines.push(`  const ${v} = ${read};`, `  if (typeof ${v} !== "number" || ${v} - ${v} !== 0) return null;`);
        break;
      case 'boolean':
        this.lines.push(`  const ${v} = ${read};`, `  if (typeof ${v} !== "boolean") return null;`);
        break;
      case 'string': {
        const check = spec.enum ? ` || e${this.constants.length}.indexOf(${v}) === -1` : '';
        if (spec.enum) this.constants.push(`const e${this.constants.length} = ${literal(spec.enum)};`);
        this.lines.push(`  const ${v} = ${read};`, `  if (typeof ${v} !== "string"${check}) return null;`);
        break;
      }
      case 'string[]':
        this.lines.push(`  const ${v} = copyStringList(${read});`, `  if (${v} === null) return null;`);
        break;
    }
  }
}

/** The generated source (exported so tests can read what is run). */
export function fastPathSource(rules: readonly ResolvedRule[], paths: readonly string[]): string {
  const index = new Map(paths.map((p, i) => [p, i]));
  const writer = new FastPathWriter();
  for (const [i, p] of paths.entries()) writer.fact(p, i);
  const emitter = new ConditionEmitter((path) => {
    const i = index.get(path);
    if (i === undefined) throw new Error(`fast path: fact ${literal(path)} is read but not planned`);
    return `v${i}`;
  });
  // Verdicts are object literals of a fixed shape (the cheapest objects to make); ids come from the array R, never from the code.
  const verdicts = rules.map((rule, r) => {
    const facts = checkEvaluable(rule).map((p) => `${literal(p)}: v${index.get(p)}`);
    return `    { ruleId: R[${r}], fired: ${emitter.node(rule.when, rule.id)}, facts: { ${facts.join(', ')} } },`;
  });
  return [
    '"use strict";',
    ...writer.constants,
    ...emitter.constants,
    'return function fastPath(s) {',
    '  if (s === null || typeof s !== "object" || !plain(s)) return null;',
    `  if (${[...writer.names].map((n) => `OP[${literal(n)}] !== undefined`).join(' || ') || 'false'}) return null;`,
    ...writer.lines,
    '  return [',
    ...verdicts,
    '  ];',
    '};',
  ].join('\n');
}

export function compileFastPath(rules: readonly ResolvedRule[], paths: readonly string[]): FastPath {
  const source = fastPathSource(rules, paths);
  const factory = new Function('R', 'plain', 'OP', 'copyStringList', ...CONDITION_HELPER_NAMES, source) as (...helpers: unknown[]) => FastPath;
  const ids = Object.freeze(rules.map((r) => r.id));
  return factory(ids, plain, Object.prototype, copyStringList, ...CONDITION_HELPERS);
}
