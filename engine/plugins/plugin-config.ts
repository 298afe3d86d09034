// A plugin's configSchema compiled with the strict ajv factory, and the plugin's config checked against it into Problems.
import type { ValidateFunction } from 'ajv';
import { joinPointer, ROOT_POINTER } from '../config/json-pointer.ts';
import { schemaErrorsToProblems } from '../config/schema-problems.ts';
import type { Locate, Position } from '../config/source-map.ts';
import { createAjv } from '../config/validator.ts';
import type { Problem } from '../errors.ts';
import type { ConfigSchema } from './plugin-api.ts';
import { pluginProblem } from './plugin-problem.ts';
import type { PluginRef } from './plugin-ref.ts';

export type CompiledSchema = { readonly ok: true; readonly validate: ValidateFunction } | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Where an allowed shape of the config is declared. Conditions (if, not, contains, propertyNames) only test a
 * value and are not walked: their object schemas describe what to match, not what may be written.
 */
const ONE = ['items', 'additionalItems', 'then', 'else', 'additionalProperties'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'items', 'prefixItems'];
const MAP = ['properties', 'patternProperties', 'definitions', '$defs'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Object schemas that let unknown keys through: a typo in a plugin's config must be an error, never a silently
 * ignored setting. The root and every schema declaring `type: "object"` must say what else it allows:
 * `additionalProperties: false`, or a schema for the values of a map.
 */
export function openObjectSchemas(schema: unknown, pointer = ''): string[] {
  if (!isObject(schema)) return [];
  const open: string[] = [];
  const declaresObject = schema['type'] === 'object' || (pointer === '' && isObject(schema['properties']));
  const extra = schema['additionalProperties'];
  const closed = extra === false || isObject(extra) || schema['unevaluatedProperties'] === false;
  if (declaresObject && !closed) open.push(pointer || ROOT_POINTER);
  for (const key of ONE) if (isObject(schema[key])) open.push(...openObjectSchemas(schema[key], `${pointer}/${key}`));
  for (const key of LIST) {
    const list = schema[key];
    if (Array.isArray(list)) for (const [i, s] of list.entries()) open.push(...openObjectSchemas(s, `${pointer}/${key}/${i}`));
  }
  for (const key of MAP) {
    const map = schema[key];
    if (isObject(map)) for (const [name, s] of Object.entries(map)) open.push(...openObjectSchemas(s, joinPointer(`${pointer}/${key}`, name)));
  }
  return open;
}

/** Compiles the schema in a fresh strict ajv (plugins' `$id`s never collide); a schema ajv refuses is the plugin's bug. */
export function compileConfigSchema(schema: ConfigSchema, file: string): CompiledSchema {
  const problems: Problem[] = [];
  if (schema['type'] !== 'object') problems.push(pluginProblem('PLUGIN_CONFIG_SCHEMA_INVALID', file, 'configSchema must describe an object (type: "object")'));
  for (const pointer of openObjectSchemas(schema)) {
    problems.push(
      pluginProblem('PLUGIN_CONFIG_SCHEMA_INVALID', file, `configSchema at ${pointer} lets unknown keys through; add additionalProperties: false`, undefined, pointer),
    );
  }
  let validate: ValidateFunction | undefined;
  try {
    validate = createAjv().compile(schema);
  } catch (err) {
    problems.push(pluginProblem('PLUGIN_CONFIG_SCHEMA_INVALID', file, `configSchema is refused by strict JSON Schema validation: ${(err as Error).message}`));
  }
  return problems.length > 0 || !validate ? { ok: false, problems } : { ok: true, validate };
}

const NOWHERE: Position = { line: 0, col: 0 };

/** Every way `ref.config` breaks the schema, located in the operator's file when the ref says where it came from. */
export function configProblems(validate: ValidateFunction, ref: PluginRef, pluginFile: string): Problem[] {
  if (validate(ref.config)) return [];
  const origin = ref.origin;
  const base = origin?.pointer ?? ROOT_POINTER;
  const locate: Locate = origin?.locate ? (pointer, target) => origin.locate!(rebase(base, pointer), target) : () => NOWHERE;
  const file = origin?.file ?? pluginFile;
  const prefix = `${ref.kind} plugin '${ref.name}' config`;
  return schemaErrorsToProblems(validate.errors ?? [], ref.config, file, locate).map((p) => ({
    ...p,
    code: 'PLUGIN_CONFIG_INVALID' as const,
    pointer: rebase(base, p.pointer),
    message: `${prefix}: ${p.message} [${p.code}]`,
  }));
}

function rebase(base: string, pointer: string): string {
  if (pointer === ROOT_POINTER || pointer === '') return base;
  return base === ROOT_POINTER ? pointer : `${base}${pointer}`;
}

/** The validated config, copied and frozen: a plugin can never change what the operator configured. */
export function frozenCopy<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (v && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const inner of Object.values(v)) freeze(inner);
    }
  };
  freeze(copy);
  return copy;
}
