// The kill-switch and restart drills' shared parts: where they run (scratch books), the rehearsal session they drive, and the evidence they record.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { type EvidenceRecord, EvidenceRepository, type KillDrillInput, type RestartDrillInput } from '../ledger/evidence-repository.ts';
import { openLedger } from '../ledger/ledger.ts';
import { type BookState, readBook } from './book-probe.ts';
import { type EngineProcess, type Exit, startEngineProcess } from './engine-process.ts';

/** Drills rehearse: they never run live. dry_run sends nothing to the venue; paper fills on the simulated one. */
export type DrillMode = 'paper' | 'dry_run';

/** Wall-time bounds of each wait (ms). Generous: a drill on a loaded 2-core host must not fail for a slow start. */
export interface DrillLimits {
  /** From spawning the session to its `session.started` line (tsx compiles the engine first). */
  readonly startMs: number;
  /** For the session to hold a position (paper) or send an order (dry_run) before the trigger. */
  readonly armMs: number;
  /** For the level to be in force after the trigger (the pass bound is 2 s; this only stops waiting). */
  readonly inForceMs: number;
  /** For the first entry refused after the trigger (informational: a strategy may not try one meanwhile). */
  readonly entryMs: number;
  /** For a flat book after flatten or emergency. */
  readonly flatMs: number;
  /** For the process to end after an emergency or a stop request. */
  readonly exitMs: number;
  /** For a resumed restart-drill session to run to the end of its duration. */
  readonly runMs: number;
}

export const DEFAULT_DRILL_LIMITS: DrillLimits = {
  startMs: 120_000, armMs: 90_000, inForceMs: 10_000, entryMs: 15_000, flatMs: 30_000, exitMs: 60_000, runMs: 300_000,
};

/** Replay speed of a drill session: a minute bar every 100 ms, so positions open and entries come within seconds. */
export const DEFAULT_DRILL_SPEED = 600;

export interface DrillSetup {
  /** Where `engine` runs (config paths resolve against it). */
  readonly cwd: string;
  readonly mode: DrillMode;
  /** The engine config the rehearsal sessions run, as given (relative to cwd, or absolute). */
  readonly configFile: string;
  /** Absolute: the data directory whose `<mode>.sqlite` receives the evidence (what `engine validate --live` reads). */
  readonly evidenceDir: string;
  readonly speed: number;
  readonly limits: DrillLimits;
  /** Wall clock: evidence timestamps and latencies. */
  readonly clock: Clock;
  /** Keep the scratch data and run directories (for a look after a failure). */
  readonly keep?: boolean;
  /** Where scratch directories are made (default: the OS temp folder). */
  readonly scratchRoot?: string;
  /** One line per step, for the operator watching. */
  readonly progress?: (line: string) => void;
}

/** A scratch data and run directory: the drill never touches the books an operator trades on. */
export interface Scratch {
  readonly root: string;
  readonly dataDir: string;
  readonly runDir: string;
  remove(): void;
}

export function makeScratch(setup: DrillSetup, name: string): Scratch {
  const root = mkdtempSync(join(setup.scratchRoot ?? tmpdir(), `tradegate-drill-${name}-`));
  const dataDir = join(root, 'data');
  mkdirSync(dataDir);
  return { root, dataDir, runDir: join(root, 'run'), remove: () => (setup.keep ? undefined : rmSync(root, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 })) };
}

/** The environment of a rehearsal session: the operator's, without the alert webhook (a drilled emergency pages nobody). */
export function drillEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('TRADEGATE_ALERT_')));
}

/** `engine run` of a rehearsal session on the scratch books: no HTTP server (never a port clash with a running engine), JSON logs. */
export function startDrillSession(setup: DrillSetup, scratch: Scratch, extra: readonly string[] = []): EngineProcess {
  return startEngineProcess(
    ['run', '--mode', setup.mode, '--config', setup.configFile, '--data-dir', scratch.dataDir, '--run-dir', scratch.runDir,
      '--speed', String(setup.speed), '--http-port', '0', '--output', 'json', ...extra],
    setup.cwd,
    () => setup.clock.now(),
    drillEnv(),
  );
}

/** Polls `ready` every 50 ms until it holds (true), the process ends or the time is up (false). */
export async function until(ready: () => boolean, timeoutMs: number, child?: EngineProcess): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (ready()) return true;
    if (child?.done() || performance.now() >= end) return ready();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The book as the session left it, read safely whatever state its file is in. */
export function bookOf(setup: DrillSetup, scratch: Scratch): BookState | null {
  try {
    return readBook(scratch.dataDir, setup.mode);
  } catch {
    return null;
  }
}

/** Waits for the exit; asks with `signal` first when given, and kills outright if it does not come in time. */
export async function stopProcess(child: EngineProcess, timeoutMs: number, signal?: NodeJS.Signals): Promise<Exit> {
  if (signal) child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Why a child failed, for a failure reason: the session's own fault line if it logged one, else the end of its stderr. */
export function stderrTail(child: EngineProcess): string {
  const fault = [...child.lines].reverse().find((l) => l.record['event'] === 'session.fault');
  if (fault) return `: session.fault: ${String(fault.record['message'])}`;
  const text = child.stderr().trim();
  return text === '' ? '' : `: ${text.split('\n').slice(-3).join(' | ')}`;
}

function withEvidence<T>(setup: DrillSetup, write: (repo: EvidenceRepository) => T): T {
  mkdirSync(setup.evidenceDir, { recursive: true });
  const ledger = openLedger({ dataDir: setup.evidenceDir, mode: setup.mode, clock: setup.clock });
  try {
    return write(new EvidenceRepository(ledger.db, setup.clock));
  } finally {
    ledger.close();
  }
}

/** Appends a kill drill to the evidence ledger (`<evidenceDir>/<mode>.sqlite`). */
export function recordKillEvidence(setup: DrillSetup, input: KillDrillInput): EvidenceRecord {
  return withEvidence(setup, (repo) => repo.recordKillDrill(input));
}

export function recordRestartEvidence(setup: DrillSetup, input: RestartDrillInput): EvidenceRecord {
  return withEvidence(setup, (repo) => repo.recordRestartDrill(input));
}
