// Which run a session is: a new one, or the one its run directory already holds (a restart resumes it with the same data and seed).
import { resolve } from 'node:path';
import type { EngineConfig } from '../config/load-config.ts';
import { TradegateError } from '../errors.ts';
import type { Mode } from '../types.ts';
import { readRunManifest, type RunManifest } from './run-files.ts';

export interface PlanRequest {
  readonly cwd: string;
  readonly config: EngineConfig;
  readonly configFile: string;
  readonly mode?: Mode;
  readonly data?: string;
  readonly runDir?: string;
  readonly dataDir?: string;
  readonly seed?: number;
  /** Simulated seconds; null to the end of the data; undefined takes session.duration_s of the config. */
  readonly durationS?: number | null;
  /** Keep the books in the run directory (as a backtest always does): a self-contained run that can be repeated. */
  readonly selfContained?: boolean;
  /** --allow-live-database: a paper or dry_run session may open the live ledger file (off unless an operator says so). */
  readonly allowLiveDatabase?: boolean;
  /** A fresh run id (wall time and randomness live at the edge that supplies it). */
  readonly newRunId: (mode: Mode) => string;
  /** Wall time, for the manifest's created_at. */
  readonly nowIso: () => string;
}

export interface SessionPlan {
  readonly mode: Mode;
  readonly runDir: string;
  readonly dataDir: string;
  readonly dataPath: string;
  readonly seed: number;
  readonly durationS: number | null;
  /** True when the run directory already held this run: the ledger run is resumed, not started. */
  readonly resuming: boolean;
  readonly manifest: RunManifest;
  /** Given again on every start and resume: a permission of this process, not part of the run. */
  readonly allowLiveDatabase: boolean;
}

function conflict(runDir: string, what: string, asked: unknown, held: unknown): TradegateError {
  return new TradegateError('SESSION_RUN_DIR_INVALID', `run directory ${runDir} holds a run with ${what} ${String(held)}, not ${String(asked)}; resume it as it was, or start a new run in another --run-dir`, { runDir, what, asked, held });
}

/**
 * The override exists for paper and dry_run only: a live session opens the live ledger anyway, and a
 * backtest's books are an experiment that must never be the account's. Judged on the mode as
 * resolved (flag, run.json or config), so a config saying live cannot make the flag a silent no-op.
 */
function checkAllowLive(mode: Mode, allow: boolean | undefined): boolean {
  if (allow !== true) return false;
  if (mode === 'paper' || mode === 'dry_run') return true;
  throw new TradegateError('USAGE', `--allow-live-database is for paper and dry_run sessions, and this session is ${mode}: ${mode === 'live' ? 'a live session opens the live ledger without it' : 'a backtest never opens the live ledger'}`, { mode });
}

/**
 * Resolves every path against the working folder. A new run's data directory is the config's
 * data_dir, except for a backtest, whose books live inside its run directory: backtests are
 * repeatable experiments, not an account that carries on.
 */
export function planSession(r: PlanRequest): SessionPlan {
  const givenRunDir = r.runDir === undefined ? undefined : resolve(r.cwd, r.runDir);
  const held = givenRunDir === undefined ? null : readRunManifest(givenRunDir);
  if (held) {
    const runDir = givenRunDir!;
    const checks: [string, unknown, unknown][] = [
      ['mode', r.mode, held.mode],
      ['data directory', r.dataDir === undefined ? undefined : resolve(r.cwd, r.dataDir), held.data_dir],
      ['market data', r.data === undefined ? undefined : resolve(r.cwd, r.data), held.market_data],
      ['seed', r.seed, held.seed],
      ['duration', r.durationS, held.duration_s],
    ];
    for (const [what, asked, kept] of checks) if (asked !== undefined && asked !== kept) throw conflict(runDir, what, asked, kept);
    const allowLiveDatabase = checkAllowLive(held.mode, r.allowLiveDatabase);
    return { mode: held.mode, runDir, dataDir: held.data_dir, dataPath: held.market_data, seed: held.seed, durationS: held.duration_s, resuming: true, manifest: held, allowLiveDatabase };
  }
  const mode = r.mode ?? r.config.mode;
  const allowLiveDatabase = checkAllowLive(mode, r.allowLiveDatabase);
  const runId = r.newRunId(mode);
  const runDir = givenRunDir ?? resolve(r.cwd, r.config.session.run_dir, runId);
  const inRunDir = mode === 'backtest' || r.selfContained === true;
  const dataDir = r.dataDir !== undefined ? resolve(r.cwd, r.dataDir) : inRunDir ? resolve(runDir, 'data') : resolve(r.cwd, r.config.data_dir);
  const dataPath = resolve(r.cwd, r.data ?? r.config.market_data.path);
  const seed = r.seed ?? r.config.session.seed;
  const durationS = r.durationS === undefined ? r.config.session.duration_s : r.durationS;
  const manifest: RunManifest = {
    run_id: runId, mode, data_dir: dataDir, market_data: dataPath, seed, duration_s: durationS, config_file: resolve(r.cwd, r.configFile),
    venue: r.config.venue, created_at: r.nowIso(), ...(allowLiveDatabase ? { allow_live_database: true } : {}),
  };
  return { mode, runDir, dataDir, dataPath, seed, durationS, resuming: false, manifest, allowLiveDatabase };
}
