// Reads any operator file (rules, rule tests, engine config): guarded read, safe YAML parse, strict schema check.
import type { Problem } from '../errors.ts';
import { type Locate, type ParsedYaml, parseYamlFile } from './source-map.ts';
import { validateAgainstSchema } from './validator.ts';

/**
 * The outcome of reading one operator file. `value` is present whenever the YAML parsed (even when the schema
 * found problems, so callers can still use the parts that are valid); `ok` means no problems at all.
 * `locate` maps a JSON pointer to line:col; after a parse failure it points every pointer at 1:1.
 */
export interface OperatorFile<T = unknown> {
  readonly ok: boolean;
  readonly file: string;
  readonly value: T | undefined;
  readonly problems: readonly Problem[];
  readonly locate: Locate;
}

const atStart: Locate = () => ({ line: 1, col: 1 });

/** Schema-checks an already parsed document; split out so hot reload and tests can reuse a parse. */
export function checkParsed<T = unknown>(parsed: ParsedYaml, file: string, schemaFile: string): OperatorFile<T> {
  if (!parsed.ok) return { ok: false, file, value: undefined, problems: parsed.problems, locate: atStart };
  const problems = validateAgainstSchema(parsed.value, schemaFile, { file, locate: parsed.locate });
  return { ok: problems.length === 0, file, value: parsed.value as T, problems, locate: parsed.locate };
}

/**
 * Reads `path` and validates it against `schemas/<schemaFile>` (e.g. `rule-file.schema.json`,
 * `rule-test.schema.json`, `engine-config.schema.json`). Never throws for anything in the file.
 */
export async function parseOperatorFile<T = unknown>(path: string, schemaFile: string): Promise<OperatorFile<T>> {
  return checkParsed<T>(await parseYamlFile(path), path, schemaFile);
}
