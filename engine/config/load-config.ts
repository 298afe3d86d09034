// Loads and validates the engine configuration file (config/engine.yaml) into a typed EngineConfig.
import type { Problem } from '../errors.ts';
import type { EvaluatorName } from '../rules/evaluator.ts';
import type { Mode } from '../types.ts';
import { parseOperatorFile } from './operator-file.ts';

/** The configuration `engine` commands read when no `--config` is given, relative to the working folder. */
export const DEFAULT_CONFIG_PATH = 'config/engine.yaml';

/** The schema the configuration is checked against, in `schemas/`. */
export const ENGINE_CONFIG_SCHEMA = 'engine-config.schema.json';

/**
 * The configuration exactly as `schemas/engine-config.schema.json` defines it; keys keep their YAML spelling so
 * a key reads the same in the file, the schema, the logs and the code. Later sections are added here and in the
 * schema together.
 */
export interface EngineConfig {
  readonly mode: Mode;
  /** Relative paths are resolved against the working folder. */
  readonly rules_dir: string;
  readonly evaluator: EvaluatorName;
  readonly reload: {
    readonly debounce_ms: number;
  };
  readonly data_dir: string;
  readonly account: {
    readonly starting_cash_usd: number;
  };
  readonly scope: {
    readonly instruments: readonly string[];
    readonly strategies: readonly string[];
  };
}

export type ConfigResult =
  | { readonly ok: true; readonly config: EngineConfig; readonly problems: readonly Problem[] }
  | { readonly ok: false; readonly config: undefined; readonly problems: readonly Problem[] };

/** Reads and validates the engine configuration. Never throws for anything in the file. */
export async function loadConfig(path: string = DEFAULT_CONFIG_PATH): Promise<ConfigResult> {
  const file = await parseOperatorFile<EngineConfig>(path, ENGINE_CONFIG_SCHEMA);
  if (!file.ok || file.value === undefined) return { ok: false, config: undefined, problems: file.problems };
  return { ok: true, config: deepFreeze(file.value), problems: [] };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
