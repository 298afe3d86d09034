// The one ajv factory (strict, all errors, no coercion, unknown keys kept) and schema validation of operator files into Problems.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Problem } from '../errors.ts';
import { schemaErrorsToProblems } from './schema-problems.ts';
import type { Locate } from './source-map.ts';

/** Where the JSON Schemas of operator files live: `<repo>/schemas`. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/**
 * A new ajv instance configured the way every operator file is checked: strict schemas, every error at once,
 * no type coercion ("50" is not 50), unknown keys reported rather than removed, no defaults filled in.
 * `allowUnionTypes` lets a schema say `type: [number, string]` (a literal value in a condition) without
 * falling back to `anyOf`, whose per-branch errors would bury the one that matters.
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({
    strict: true,
    allErrors: true,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false,
    allowUnionTypes: true,
    // Errors carry the failing schema and value, so messages can name the allowed keys and the bad value.
    verbose: true,
  });
  addFormats.default(ajv);
  return ajv;
}

let shared: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Reads a schema file from `schemas/` (e.g. `rule-file.schema.json`). */
export function readSchema(schemaFile: string): AnySchemaObject {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, schemaFile), 'utf8')) as AnySchemaObject;
}

/**
 * The compiled validator for a schema in `schemas/`, compiled once per process. A schema that strict mode
 * rejects throws here: that is a bug in the repository, not an operator's mistake.
 */
export function schemaValidator(schemaFile: string): ValidateFunction {
  const cached = compiled.get(schemaFile);
  if (cached) return cached;
  shared ??= createAjv();
  const schema = readSchema(schemaFile);
  const id = typeof schema.$id === 'string' ? schema.$id : undefined;
  const validate = (id ? shared.getSchema(id) : undefined) ?? shared.compile(schema);
  compiled.set(schemaFile, validate);
  return validate;
}

export interface ValidationTarget {
  /** The file path to name in problems. */
  readonly file: string;
  readonly locate: Locate;
}

/** Validates a parsed value against a schema in `schemas/`; every violation becomes one clear Problem. */
export function validateAgainstSchema(value: unknown, schemaFile: string, target: ValidationTarget): Problem[] {
  const validate = schemaValidator(schemaFile);
  if (validate(value)) return [];
  return schemaErrorsToProblems(validate.errors ?? [], value, target.file, target.locate);
}
