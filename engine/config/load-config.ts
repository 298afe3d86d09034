// Loads and validates the engine configuration file (config/engine.yaml) into a typed EngineConfig.
import type { Problem } from '../errors.ts';
import type { EvaluatorName } from '../rules/evaluator.ts';
import type { Mode } from '../types.ts';
import { parseOperatorFile } from './operator-file.ts';
import type { Locate } from './source-map.ts';

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
    /** How long a vanished rule stays in force before its removal takes effect; absent: 1000 (engine/rules/hot-reload.ts). */
    readonly removal_grace_ms?: number;
  };
  readonly data_dir: string;
  readonly account: {
    readonly starting_cash_usd: number;
  };
  readonly scope: {
    readonly instruments: readonly string[];
    readonly strategies: readonly string[];
  };
  readonly venue: PluginSection;
  readonly strategies: readonly StrategySection[];
  readonly market_data: {
    readonly path: string;
    readonly instrument: string;
    readonly synth_spread_bps: number;
    readonly stale_after_ms: number;
    readonly volatile_return_bps: number;
  };
  readonly session: {
    /** Simulated seconds; null runs to the end of the market data. */
    readonly duration_s: number | null;
    /** A factor, or `max` / `realtime` / `60x` as `parseSpeed` reads them. */
    readonly speed: number | string;
    readonly seed: number;
    readonly run_dir: string;
    readonly progress_every_ms: number;
    readonly exit_offset_bps: number;
    readonly exit_ttl_s: number;
  };
  /** The operator's HTTP server of `engine run` (health, metrics, API, controls); absent: 127.0.0.1:8787. */
  readonly http?: {
    readonly host: string;
    /** 0 runs without the server. */
    readonly port: number;
  };
}

/** A configured plugin as the file names it; its `config` is checked against the plugin's own schema at load. */
export interface PluginSection {
  readonly name: string;
  readonly package?: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface StrategySection extends PluginSection {
  readonly instruments: readonly string[];
}

export type ConfigResult =
  | {
      readonly ok: true;
      readonly config: EngineConfig;
      readonly problems: readonly Problem[];
      /** The file read, and where each JSON pointer into it sits, so later checks (plugins) can name line:col. */
      readonly file: string;
      readonly locate: Locate;
    }
  | { readonly ok: false; readonly config: undefined; readonly problems: readonly Problem[] };

/** Reads and validates the engine configuration. Never throws for anything in the file. */
export async function loadConfig(path: string = DEFAULT_CONFIG_PATH): Promise<ConfigResult> {
  const file = await parseOperatorFile<EngineConfig>(path, ENGINE_CONFIG_SCHEMA);
  if (!file.ok || file.value === undefined) return { ok: false, config: undefined, problems: file.problems };
  return { ok: true, config: deepFreeze(file.value), problems: [], file: path, locate: file.locate };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
