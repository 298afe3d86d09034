// `engine drill kill|restart`: runs the kill-switch and restart drills on scratch paper or dry-run books and records their evidence for the go/no-go gate.
import { isAbsolute, relative, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../clock.ts';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load-config.ts';
import { formatProblem } from '../errors.ts';
import { ledgerFileFor } from '../ledger/database.ts';
import { openLedger } from '../ledger/ledger.ts';
import { DEFAULT_DRILL_LIMITS, DEFAULT_DRILL_SPEED, type DrillLimits, type DrillMode, type DrillSetup } from '../runtime/drills.ts';
import { KILL_DRILL_LEVELS, type KillDrillLevel, type KillDrillResult, runKillDrill } from '../runtime/kill-drill.ts';
import { DEFAULT_RESTART_DURATION_S, type RestartDrillResult, runRestartDrill } from '../runtime/restart-drill.ts';
import { MODES, type Mode } from '../types.ts';
import { type CommandModule, EXIT } from './command.ts';
import { errorOutput } from './ledger-target.ts';

export interface DrillFlags {
  readonly mode?: Mode;
  readonly config?: string;
  readonly dataDir?: string;
  readonly speed?: number;
  readonly keep?: boolean;
  readonly format?: 'text' | 'json';
}

export interface KillDrillFlags extends DrillFlags {
  readonly levels?: readonly KillDrillLevel[];
}

export interface RestartDrillFlags extends DrillFlags {
  readonly duration?: number;
}

export interface DrillOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface DrillIo {
  readonly cwd: string;
  /** Step-by-step lines while a drill runs (stderr on a terminal). */
  readonly progress?: (line: string) => void;
  /** Tests shorten the waits. */
  readonly limits?: DrillLimits;
  /** Where the scratch books are made (default: the OS temp folder, which other processes on the host share). */
  readonly scratchRoot?: string;
}

function levelsOf(text: string): KillDrillLevel[] {
  const levels = text.split(',').map((l) => l.trim()).filter((l) => l !== '');
  const bad = levels.filter((l) => !(KILL_DRILL_LEVELS as readonly string[]).includes(l));
  if (levels.length === 0 || bad.length > 0) throw new InvalidArgumentError(`'${text}' is not a list of levels from ${KILL_DRILL_LEVELS.join(', ')}`);
  return [...new Set(levels)] as KillDrillLevel[];
}

function wholeNumber(what: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`'${text}' is not ${what}`);
    return n;
  };
}

/** The drill's setup from flags and config, or why it is refused (exit 2). */
async function setupOf(flags: DrillFlags, io: DrillIo): Promise<DrillSetup | DrillOutput> {
  const refuse = (message: string): DrillOutput => ({ exitCode: EXIT.usage, stdout: '', stderr: `${message}\n` });
  if (flags.mode === 'live') return refuse('drills never run live: they rehearse on paper or dry-run books (use --mode paper or --mode dry_run)');
  if (flags.mode === 'backtest') return refuse('drills need wall time (the kill switch acts within 2 s of wall time): use --mode paper or --mode dry_run');
  const configFile = flags.config ?? DEFAULT_CONFIG_PATH;
  const loaded = await loadConfig(resolve(io.cwd, configFile));
  if (!loaded.ok) return { exitCode: EXIT.problems, stdout: '', stderr: `CONFIG_INVALID: the engine config has problems:\n${loaded.problems.map(formatProblem).join('\n')}\n` };
  const config = loaded.config;
  // A live config rehearses in dry_run: everything but the final submit, so no venue is ever called.
  const mode: DrillMode = flags.mode ?? (config.mode === 'paper' || config.mode === 'dry_run' ? config.mode : 'dry_run');
  if (mode === 'paper' && config.venue.name !== 'paper') {
    return refuse(`a paper drill sends orders to the configured venue, and '${config.venue.name}' is not the simulated paper venue: use --mode dry_run`);
  }
  const setup: DrillSetup = {
    cwd: io.cwd, mode, configFile, evidenceDir: resolve(io.cwd, flags.dataDir ?? config.data_dir), speed: flags.speed ?? DEFAULT_DRILL_SPEED,
    limits: io.limits ?? DEFAULT_DRILL_LIMITS, clock: systemClock, ...(flags.keep ? { keep: true } : {}), ...(io.progress ? { progress: io.progress } : {}),
    ...(io.scratchRoot ? { scratchRoot: io.scratchRoot } : {}),
  };
  return evidenceRefusal(setup) ?? setup;
}

/**
 * Opens the evidence ledger before any rehearsal, so one that is the live file (a link to it or a copy)
 * is refused at once (LEDGER_LIVE_FILE_REFUSED, exit 1), not after minutes of drilling with the result
 * lost. Drills take no --allow-live-database: rehearsal evidence never goes into the live books.
 */
function evidenceRefusal(setup: DrillSetup): DrillOutput | null {
  try {
    openLedger({ dataDir: setup.evidenceDir, mode: setup.mode, clock: setup.clock }).close();
    return null;
  } catch (error) {
    return errorOutput(error);
  }
}

/** The evidence ledger as the operator named it: relative under the working folder, absolute elsewhere. */
function where(setup: DrillSetup, cwd: string): string {
  const file = ledgerFileFor(setup.evidenceDir, setup.mode);
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function killLine(r: KillDrillResult): string {
  const d = r.details;
  const ms = (v: unknown) => (typeof v === 'number' ? `${v} ms` : '-');
  const facts = [
    `in force in ${ms(r.latencyMs)} (${String(d['trigger'])})`,
    ...(r.level === 'emergency' ? [] : [`first entry refused after ${ms(d['first_refused_entry_ms'])}`]),
    ...(r.level === 'pause' ? [] : [`flat after ${ms(d['flat_ms'])}`]),
    ...(r.level === 'emergency' ? [`exit code ${String(d['exit_code'])} after ${ms(d['exit_ms'])}`] : []),
  ];
  const tail = r.passed ? facts.join('; ') : `${r.reasons.join('; ')} [${facts.join('; ')}]`;
  return `${r.passed ? 'PASS' : 'FAIL'}  kill drill ${r.level.padEnd(9)} ${tail}`;
}

function restartLine(r: RestartDrillResult): string {
  const report = (r.details['report'] ?? {}) as Record<string, unknown>;
  const facts = `venue received ${String(report['venue_orders_received'] ?? '-')} orders for ${String(report['venue_distinct_client_order_ids'] ?? '-')} client order ids; venue fills ${String(report['venue_fills'] ?? '-')}, ledger fills ${String(report['ledger_fills'] ?? '-')}`;
  return `${r.passed ? 'PASS' : 'FAIL'}  restart drill      ${r.passed ? facts : `${r.reasons.join('; ')} [${facts}]`}`;
}

export async function runDrillKill(flags: KillDrillFlags, io: DrillIo): Promise<DrillOutput> {
  const setup = await setupOf(flags, io);
  if (!('clock' in setup)) return setup;
  const results = await runKillDrill(setup, flags.levels ?? KILL_DRILL_LEVELS);
  const passed = results.every((r) => r.passed);
  const stdout = flags.format === 'json'
    ? `${JSON.stringify({ passed, mode: setup.mode, evidence: where(setup, io.cwd), results }, null, 2)}\n`
    : `${results.map(killLine).join('\n')}\nkill drill: ${results.filter((r) => r.passed).length} of ${results.length} levels passed (${setup.mode}); evidence recorded in ${where(setup, io.cwd)}\n`;
  return { exitCode: passed ? EXIT.ok : EXIT.problems, stdout, stderr: '' };
}

export async function runDrillRestart(flags: RestartDrillFlags, io: DrillIo): Promise<DrillOutput> {
  const setup = await setupOf(flags, io);
  if (!('clock' in setup)) return setup;
  const result = await runRestartDrill(setup, flags.duration ?? DEFAULT_RESTART_DURATION_S);
  const stdout = flags.format === 'json'
    ? `${JSON.stringify({ passed: result.passed, mode: setup.mode, evidence: where(setup, io.cwd), result }, null, 2)}\n`
    : `${restartLine(result)}\nrestart drill: ${result.passed ? 'passed' : 'failed'} (${setup.mode}); evidence recorded in ${where(setup, io.cwd)}\n`;
  return { exitCode: result.passed ? EXIT.ok : EXIT.problems, stdout, stderr: '' };
}

function commonOptions(command: Command): Command {
  return command
    .addOption(new Option('--mode <mode>', 'paper or dry_run (default: the config\'s mode when it is one of them, else dry_run); live is refused').choices([...MODES]))
    .option('--config <file>', `engine config the rehearsal sessions run (default: ${DEFAULT_CONFIG_PATH})`)
    .option('--data-dir <dir>', 'data directory whose <mode>.sqlite receives the evidence, as engine validate --live --evidence-dir reads it (default: data_dir of the config); the sessions themselves run on scratch books')
    .option('--speed <factor>', `replay speed of the rehearsal sessions (default: ${DEFAULT_DRILL_SPEED})`, wholeNumber('a speed factor (a whole number > 0)'))
    .option('--keep', 'keep the scratch data and run directories (their paths are in the evidence details)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

async function act(run: () => Promise<DrillOutput>): Promise<void> {
  const out = await run();
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  process.exitCode = out.exitCode;
}

export const drillCommand: CommandModule = {
  register(program: Command): void {
    const drill = program.command('drill').description('Rehearse the kill switch and a crash restart on scratch paper or dry-run books, and record the evidence the go/no-go gate (engine validate --live) reads.');
    const io = (): DrillIo => ({ cwd: process.cwd(), progress: (line) => process.stderr.write(`${line}\n`) });
    commonOptions(
      drill
        .command('kill')
        .description(
          'For each level, start a short rehearsal session (engine run in a child process on scratch books), wait for a position, pull the level ' +
            '(pause and emergency by engine kill, flatten by the KILL file), and measure the time to the level in force (at most 2 s to pass), to the first refused entry and to a flat book; ' +
            'emergency must exit with 99. Each level is recorded as a kill_drill. Exit 0 all passed, 1 any failed, 2 usage error.',
        )
        .option('--levels <list>', `levels to drill, comma-separated (default: ${KILL_DRILL_LEVELS.join(',')})`, levelsOf),
    ).action(async (flags: KillDrillFlags) => act(() => runDrillKill(flags, io())));
    commonOptions(
      drill
        .command('restart')
        .description(
          'Start a rehearsal session, SIGKILL it once it has sent orders, start it again on the same run and data directories, let it run to the end, ' +
            'and check with engine report that the venue received each client order id once and every venue fill is booked. Recorded as a restart_drill. Exit 0 passed, 1 failed, 2 usage error.',
        )
        .option('--duration <seconds>', `simulated seconds of the rehearsal run (default: ${DEFAULT_RESTART_DURATION_S})`, wholeNumber('a whole number of seconds > 0')),
    ).action(async (flags: RestartDrillFlags) => act(() => runDrillRestart(flags, io())));
  },
};
