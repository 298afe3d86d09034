// The run directory: run.json says which run it holds (so a restart resumes it), and the outputs are written there atomically.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginSection } from '../config/load-config.ts';
import { TradegateError } from '../errors.ts';
import { MODES, type Mode } from '../types.ts';

export const RUN_MANIFEST = 'run.json';
export const SUMMARY_FILE = 'summary.json';
export const METRICS_FILE = 'metrics.csv';
export const AUDIT_FILE = 'audit.jsonl';

/** What a restart or `engine report` needs to find the run again, whatever the config says by then. */
export interface RunManifest {
  readonly run_id: string;
  readonly mode: Mode;
  /** Absolute: the ledger and the plugins' state live here. */
  readonly data_dir: string;
  readonly market_data: string;
  readonly seed: number;
  /** Simulated seconds from the run's start; null runs to the end of the data. A resumed run keeps it. */
  readonly duration_s: number | null;
  readonly config_file: string;
  /** The venue as configured when the run started: `engine report` opens it to read the venue's own counts. */
  readonly venue: PluginSection;
  /** Wall time the run was created (ISO 8601); market time is in the ledger. */
  readonly created_at: string;
  /** Started with `--allow-live-database`: its books may be the live file, which `engine report` then opens too. */
  readonly allow_live_database?: boolean;
}

/** Write beside, then rename: a crash mid-write never leaves a torn file. */
export function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function invalid(dir: string, message: string): TradegateError {
  return new TradegateError('SESSION_RUN_DIR_INVALID', `run directory ${dir}: ${message}`, { runDir: dir });
}

/** The run a directory holds, or null for a new (or empty) directory. */
export function readRunManifest(dir: string): RunManifest | null {
  const path = join(dir, RUN_MANIFEST);
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw invalid(dir, `${RUN_MANIFEST} is not readable JSON (${(error as Error).message})`);
  }
  const m = value as Partial<RunManifest> | null;
  const okString = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!m || !okString(m.run_id) || !MODES.includes(m.mode as Mode) || !okString(m.data_dir) || !okString(m.market_data)
    || typeof m.seed !== 'number' || !(m.duration_s === null || typeof m.duration_s === 'number') || typeof m.venue?.name !== 'string') {
    throw invalid(dir, `${RUN_MANIFEST} lacks run_id, mode, data_dir, market_data, seed, duration_s or venue`);
  }
  return m as RunManifest;
}

export function writeRunManifest(dir: string, manifest: RunManifest): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, RUN_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

export interface RunOutputs {
  readonly summary: unknown;
  readonly metricsCsv: string;
  readonly auditJsonl: string;
}

export function writeRunOutputs(dir: string, outputs: RunOutputs): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, SUMMARY_FILE), join(dir, METRICS_FILE), join(dir, AUDIT_FILE)] as const;
  writeAtomic(files[0], `${JSON.stringify(outputs.summary, null, 2)}\n`);
  writeAtomic(files[1], outputs.metricsCsv);
  writeAtomic(files[2], outputs.auditJsonl);
  return [...files];
}
