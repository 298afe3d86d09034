// Which ledger an operator command acts on: --data-dir and --mode, else the engine config's data_dir and mode; who the operator is.
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DEFAULT_CONFIG_PATH, type EngineConfig, loadConfig } from '../config/load-config.ts';
import { formatProblem, TradegateError } from '../errors.ts';
import { MODES, type Mode } from '../types.ts';

export interface TargetFlags {
  readonly dataDir?: string;
  readonly mode?: Mode;
  readonly config?: string;
}

export interface LedgerTarget {
  /** Absolute. */
  readonly dataDir: string;
  readonly mode: Mode;
  /** The config read for the defaults, when one was. */
  readonly config: EngineConfig | null;
}

/** Adds --data-dir, --mode and --config to an operator command. */
export function targetOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory holding <mode>.sqlite (default: data_dir of the config)')
    .addOption(new Option('--mode <mode>', 'which ledger (default: mode of the config)').choices([...MODES]))
    .option('--config <file>', `engine config read for the defaults (default: ${DEFAULT_CONFIG_PATH} when present)`);
}

/**
 * Flags win; the config fills what they leave out. With both flags given no config is read, so the
 * command works on a machine (or in a drill) that has only a data directory.
 */
export async function resolveTarget(flags: TargetFlags, cwd: string): Promise<LedgerTarget> {
  let config: EngineConfig | null = null;
  const file = flags.config ?? DEFAULT_CONFIG_PATH;
  const needConfig = flags.dataDir === undefined || flags.mode === undefined;
  if (flags.config !== undefined || (needConfig && existsSync(resolve(cwd, file)))) {
    const loaded = await loadConfig(resolve(cwd, file));
    if (!loaded.ok) {
      throw new TradegateError('CONFIG_INVALID', `the engine config has problems:\n${loaded.problems.map(formatProblem).join('\n')}`, { file });
    }
    config = loaded.config;
  }
  const dataDir = flags.dataDir ?? config?.data_dir;
  const mode = flags.mode ?? config?.mode;
  if (dataDir === undefined || mode === undefined) {
    throw new TradegateError('USAGE', `no engine config at ${file}: pass --data-dir and --mode`, { file });
  }
  return { dataDir: resolve(cwd, dataDir), mode, config };
}

/** The operator as the trail records them: `cli:alice@host` (the sudo caller when run through sudo). */
export function operatorActor(env: Readonly<Record<string, string | undefined>> = process.env): string {
  let user = env['SUDO_USER'];
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = env['USER'] ?? 'unknown';
    }
  }
  return `cli:${user}@${hostname()}`;
}

/** An error of an operator command as its output: usage errors exit 2, everything else 1. */
export function errorOutput(error: unknown): { exitCode: number; stdout: string; stderr: string } {
  if (!(error instanceof TradegateError)) throw error;
  return { exitCode: error.code === 'USAGE' ? 2 : 1, stdout: '', stderr: `${error.code}: ${error.message}\n` };
}
