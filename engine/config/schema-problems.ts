// Turns ajv's raw errors into operator-facing Problems: one clear message per mistake, with the bad value and what was expected.
import type { AnySchemaObject, ErrorObject } from 'ajv';
import type { ErrorCode, Problem } from '../errors.ts';
import { closestName, didYouMean } from '../rules/did-you-mean.ts';
import { joinPointer, normalizePointer, parsePointer } from './json-pointer.ts';
import type { Locate } from './source-map.ts';

/**
 * Objects whose unknown key may be a typo of a key of a sibling shape. A condition with `alll:` falls through
 * the all/any/not checks to the leaf schema, which alone would suggest only fact/operator/value.
 */
const SIBLING_KEYS: readonly { readonly schemaPath: RegExp; readonly keys: readonly string[] }[] = [
  { schemaPath: /#\/definitions\/leaf\/additionalProperties$/, keys: ['all', 'any', 'not'] },
];

const RANGE_KEYWORDS = new Set([
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
]);

/** The value, short and unambiguous: `"rejct"`, `101`, `NaN`, `a list`, `a map`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return `a list (${truncate(JSON.stringify(value))})`;
  if (typeof value === 'object') return `a map (${truncate(JSON.stringify(value))})`;
  return truncate(JSON.stringify(value));
}

function truncate(text: string | undefined, max = 60): string {
  if (text === undefined) return 'undefined';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

function typeList(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}

/** How a place is named in a message: `action`, `applies_to[1]`, `the file`. */
function label(pointer: string): string {
  const parts = parsePointer(pointer);
  const last = parts[parts.length - 1];
  if (last === undefined) return 'the file';
  if (/^\d+$/.test(last)) return `${parts[parts.length - 2] ?? 'item'}[${last}]`;
  return last;
}

/** The id of the rule a pointer sits in, when the pointer is inside `/rules/N` and that rule has an id. */
export function ruleIdAt(document: unknown, pointer: string): string | undefined {
  const match = /^\/rules\/(\d+)(?:\/|$)/.exec(pointer);
  if (!match) return undefined;
  const rules = (document as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return undefined;
  const id = (rules[Number(match[1])] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function allowedKeys(error: ErrorObject): string[] {
  const props = (error.parentSchema as AnySchemaObject | undefined)?.properties;
  return props && typeof props === 'object' ? Object.keys(props) : [];
}

function siblingKeys(error: ErrorObject): readonly string[] {
  return SIBLING_KEYS.find((s) => s.schemaPath.test(error.schemaPath))?.keys ?? [];
}

/** The key an unknown key was probably meant to be, among the object's own keys and its siblings'. */
function intendedKey(error: ErrorObject): string | undefined {
  const key = String(error.params['additionalProperty']);
  return closestName(key, [...allowedKeys(error), ...siblingKeys(error)]);
}

/**
 * ajv reports both "unknown key applies_too" and "missing applies_to" for one typo; the second is noise, as are
 * the leaf's missing fact/operator/value when the key was a misspelt all/any/not. Also dropped: if/then wrappers
 * ("must match then schema") and propertyNames' inner errors, which the propertyNames error itself explains.
 */
function withoutNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const explained = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const intended = intendedKey(e);
    if (intended === undefined) continue;
    if (siblingKeys(e).includes(intended)) explained.add(`${e.instancePath}\0*`);
    explained.add(`${e.instancePath}\0${intended}`);
  }
  return errors.filter((e) => {
    if (e.keyword === 'if') return false;
    if (e.schemaPath.includes('/propertyNames/')) return false;
    if (e.keyword !== 'required') return true;
    const missing = String(e.params['missingProperty']);
    return !explained.has(`${e.instancePath}\0${missing}`) && !explained.has(`${e.instancePath}\0*`);
  });
}

interface Converted {
  readonly code: ErrorCode;
  readonly pointer: string;
  readonly target: 'key' | 'value';
  readonly message: string;
}

function unknownKey(e: ErrorObject, at: string): Converted {
  const key = String(e.params['additionalProperty']);
  const allowed = allowedKeys(e);
  const siblings = siblingKeys(e);
  const hint = didYouMean(key, [...allowed, ...siblings]);
  const others = siblings.length > 0 ? `, or ${siblings.join(' / ')}` : '';
  const expected = allowed.length > 0 ? ` (allowed here: ${allowed.join(', ')}${others})` : '';
  const value = (e.data as Record<string, unknown> | null)?.[key];
  // `{ description: Largest, in USD. }` is two keys in YAML flow style: the comma ends the value.
  const comma = value === null && /\s/.test(key) ? '; a comma inside { } ends a value, so quote text that contains commas' : '';
  return { code: 'SCHEMA_UNKNOWN_KEY', pointer: joinPointer(at, key), target: 'key', message: `unknown key "${key}"${hint}${comma}${expected}` };
}

function required(e: ErrorObject, at: string): Converted {
  const key = String(e.params['missingProperty']);
  const props = (e.parentSchema as AnySchemaObject | undefined)?.properties as Record<string, { description?: string }> | undefined;
  const about = props?.[key]?.description;
  const where = at === '/' ? '' : ` in ${label(at)}`;
  return { code: 'SCHEMA_REQUIRED', pointer: at, target: 'key', message: `missing required key "${key}"${where}${about ? `: ${about}` : ''}` };
}

function enumProblem(e: ErrorObject, at: string): Converted {
  const allowed = ((e.params['allowedValues'] as unknown[]) ?? []).map(String);
  const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
  return { code: 'SCHEMA_ENUM', pointer: at, target: 'value', message: `${label(at)} is ${describeValue(e.data)}, expected one of: ${allowed.join(', ')}${hint}` };
}

function propertyName(e: ErrorObject, at: string): Converted {
  const name = String(e.params['propertyName']);
  const pattern = (e.schema as AnySchemaObject | undefined)?.['pattern'];
  const expected = typeof pattern === 'string' ? `the form ${pattern}` : 'a valid name';
  return { code: 'SCHEMA_PATTERN', pointer: joinPointer(at, name), target: 'key', message: `name "${name}" in ${label(at)} must have ${expected}` };
}

function convert(e: ErrorObject): Converted {
  const at = normalizePointer(e.instancePath);
  const got = describeValue(e.data);
  switch (e.keyword) {
    case 'additionalProperties':
      return unknownKey(e, at);
    case 'required':
      return required(e, at);
    case 'type':
      return { code: 'SCHEMA_TYPE', pointer: at, target: 'value', message: `${label(at)} must be ${typeList(e.params['type'])}, got ${got}` };
    case 'enum':
      return enumProblem(e, at);
    case 'pattern':
      return { code: 'SCHEMA_PATTERN', pointer: at, target: 'value', message: `${label(at)} is ${got}, which does not have the form ${String(e.params['pattern'])}` };
    case 'propertyNames':
      return propertyName(e, at);
    default:
      if (RANGE_KEYWORDS.has(e.keyword)) return { code: 'SCHEMA_RANGE', pointer: at, target: 'value', message: `${label(at)} ${e.message ?? 'is out of range'}, got ${got}` };
      return { code: 'SCHEMA_INVALID', pointer: at, target: 'value', message: `${label(at)} ${e.message ?? 'is not valid'}, got ${got}` };
  }
}

/** Converts ajv errors for one document into Problems, sorted by position. */
export function schemaErrorsToProblems(errors: readonly ErrorObject[], document: unknown, file: string, locate: Locate): Problem[] {
  const problems = withoutNoise(errors).map((e) => {
    const c = convert(e);
    const at = locate(c.pointer, c.target);
    const ruleId = ruleIdAt(document, c.pointer);
    const message = ruleId ? `rule ${ruleId}: ${c.message}` : c.message;
    return { code: c.code, file, line: at.line, col: at.col, pointer: c.pointer, ...(ruleId ? { ruleId } : {}), message };
  });
  return sortProblems(dedupe(problems));
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\0${p.pointer}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Document order: line, then column, then pointer for a stable tie-break. */
export function sortProblems<T extends Problem>(problems: readonly T[]): T[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col || (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}
