// Turns a nested fact snapshot into validated flat facts for exactly the facts some rules read; anything missing or mistyped is an error, never a guess.
import type { ErrorCode } from '../errors.ts';
import { type FactSpec, factSpec } from '../rules/fact-catalog.ts';
import type { DecisionError, FactValue, FlatFacts } from '../types.ts';

/** The facts to read, resolved once per rule selection so the hot path does no string splitting. */
export interface FactPlan {
  readonly entries: readonly PlanEntry[];
}

interface PlanEntry {
  readonly path: string;
  readonly ns: string;
  readonly key: string;
  /** Undefined when the catalog does not define the path. */
  readonly spec: FactSpec | undefined;
}

export interface GuardedFacts {
  /** Valid facts only, ready for an evaluator. */
  readonly facts: FlatFacts;
  /** Every planned fact as the snapshot held it (valid or not), for decisions and explanations. */
  readonly seen: Readonly<Record<string, unknown>>;
  /** One error per bad fact, in plan order. */
  readonly errors: readonly DecisionError[];
  /** Paths of the bad facts. */
  readonly invalid: ReadonlySet<string>;
}

export function planFacts(paths: readonly string[]): FactPlan {
  const unique = [...new Set(paths)];
  return {
    entries: unique.map((path) => {
      const dot = path.indexOf('.');
      const ns = dot < 0 ? '' : path.slice(0, dot);
      return { path, ns, key: path.slice(dot + 1), spec: factSpec(path) };
    }),
  };
}

/** A short, safe description of a bad value for an error message (never the whole of a huge string). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function problem(code: ErrorCode, path: string, message: string): DecisionError {
  return { code, fact: path, message: `fact ${path} ${message}` };
}

function wrongType(spec: FactSpec, expected: string, value: unknown): DecisionError {
  return problem('FACT_WRONG_TYPE', spec.path, `must be ${expected}, got ${describeValue(value)}`);
}

/**
 * Undefined when the value has the catalog's type; otherwise the error that says why not.
 * No closures here: this runs for every fact of every decision.
 */
function typeError(spec: FactSpec, value: unknown): DecisionError | undefined {
  switch (spec.type) {
    case 'number':
      if (typeof value !== 'number') return wrongType(spec, 'a number', value);
      return Number.isFinite(value) ? undefined : problem('FACT_NOT_FINITE', spec.path, `must be a finite number, got ${value}`);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrongType(spec, 'true or false', value);
    case 'string':
      if (typeof value !== 'string') return wrongType(spec, 'a string', value);
      return spec.enum && !spec.enum.includes(value) ? wrongType(spec, `one of ${spec.enum.join(', ')}`, value) : undefined;
    case 'string[]':
      return copyStringList(value) === null ? wrongType(spec, 'a list of strings', value) : undefined;
  }
}

/**
 * A copy of a list of strings, or null when the value is not one (a hole in a sparse list is not a
 * string). A copy, because the caller may reuse its array while an asynchronous evaluator still reads it.
 */
export function copyStringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  const out = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'string') return null;
    out[i] = v;
  }
  return out;
}

const NO_ERRORS: readonly DecisionError[] = Object.freeze([]);
const NONE: ReadonlySet<string> = new Set();

function read(snapshot: unknown, entry: PlanEntry): unknown {
  if (snapshot === null || typeof snapshot !== 'object' || !Object.hasOwn(snapshot, entry.ns)) return undefined;
  const ns = (snapshot as Record<string, unknown>)[entry.ns];
  if (ns === null || typeof ns !== 'object' || !Object.hasOwn(ns, entry.key)) return undefined;
  return (ns as Record<string, unknown>)[entry.key];
}

/**
 * Reads and validates the planned facts. Own properties only (an inherited value is not a
 * fact); facts the plan does not name are ignored, since an extra fact is not a risk.
 */
export function guardFacts(snapshot: unknown, plan: FactPlan): GuardedFacts {
  const seen: Record<string, unknown> = {};
  let errors: DecisionError[] | undefined;
  for (const entry of plan.entries) {
    let value = read(snapshot, entry);
    let error: DecisionError | undefined;
    if (!entry.spec) error = problem('FACT_UNKNOWN', entry.path, 'is not in the fact catalog');
    else if (value === undefined || value === null) error = problem('FACT_MISSING', entry.path, value === null ? 'is null' : 'is missing from the snapshot');
    else error = typeError(entry.spec, value);
    if (error) {
      errors ??= [];
      errors.push(error);
    } else if (entry.spec?.type === 'string[]') {
      value = copyStringList(value);
    }
    if (entry.spec) seen[entry.path] = value;
    // A path from outside the catalog could be `__proto__`: define it, never assign it.
    else Object.defineProperty(seen, entry.path, { value, enumerable: true, writable: true, configurable: true });
  }
  // With nothing wrong, the values seen are the facts: no second object on the hot path.
  if (!errors) return { facts: seen as FlatFacts, seen, errors: NO_ERRORS, invalid: NONE };
  const invalid = new Set(errors.map((e) => e.fact!));
  const facts: Record<string, FactValue> = {};
  for (const entry of plan.entries) if (!invalid.has(entry.path)) facts[entry.path] = seen[entry.path] as FactValue;
  return { facts, seen, errors, invalid };
}
