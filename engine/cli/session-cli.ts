// What `engine run`, `engine backtest` and `engine start` share: session flags, signals, terminal or JSON output, exit codes.
import { relative } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../clock.ts';
import { TradegateError } from '../errors.ts';
import { type RunRequest, type RunResult, runSession } from '../main.ts';
import { parseSpeed, type ReplaySpeed } from '../market/replay.ts';
import { formatSummary } from '../runtime/format-summary.ts';
import { EMERGENCY_EXIT_CODE } from '../runtime/kill-switch.ts';
import { barProgress, lineProgress, type ProgressSink } from '../runtime/progress.ts';
import { MODES, type Mode } from '../types.ts';
import { EXIT } from './command.ts';

export interface SessionFlags {
  readonly mode?: Mode;
  readonly config?: string;
  readonly data?: string;
  readonly duration?: number;
  readonly speed?: ReplaySpeed;
  readonly runDir?: string;
  readonly dataDir?: string;
  readonly seed?: number;
  readonly output?: 'auto' | 'text' | 'json';
  readonly httpPort?: number;
  /** engine run only: a paper or dry_run session may open the live ledger file. */
  readonly allowLiveDatabase?: boolean;
}

export interface SessionIo {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`'${text}' is not a whole number of seconds > 0`);
  return n;
}

function seedOf(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 0xffffffff) throw new InvalidArgumentError(`'${text}' is not a seed (a whole number from 0 to 4294967295)`);
  return n;
}

function portOf(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65535) throw new InvalidArgumentError(`'${text}' is not a TCP port (a whole number from 0 to 65535; 0 runs without the server)`);
  return n;
}

function speedOf(text: string): ReplaySpeed {
  try {
    return parseSpeed(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * The flags every session command takes; `withMode` and `withSpeed` are off for `engine backtest` (fixed to backtest, max).
 * `withAllowLive` is for `engine run` alone: the one command whose paper and dry_run sessions may be told to use the live ledger.
 */
export function sessionOptions(command: Command, o: { withMode: boolean; withSpeed: boolean; withAllowLive?: boolean; httpDefault: string }): Command {
  if (o.withMode) command.addOption(new Option('--mode <mode>', 'where fills come from (default: mode of the config)').choices([...MODES]));
  command
    .option('--config <file>', 'engine config file (default: config/engine.yaml)')
    .option('--data <path>', 'market data to replay: a LEAN minute folder or zip, .csv or .jsonl (default: market_data.path of the config)')
    .option('--duration <seconds>', 'simulated seconds to run, then shut down gracefully (default: session.duration_s, or to the end of the data)', positiveInteger);
  if (o.withSpeed) command.option('--speed <speed>', 'replay speed: max, realtime, or a factor such as 60 (default: session.speed)', speedOf);
  if (o.withAllowLive) {
    command.option(
      '--allow-live-database',
      'let a paper or dry_run session open the live ledger (its <mode>.sqlite is a copy of or a link to live.sqlite): refused without it (LEDGER_LIVE_FILE_REFUSED), warned about with it; a usage error for live and backtest',
    );
  }
  return command
    .option('--run-dir <dir>', 'run directory; one that holds a run resumes it (default: <session.run_dir>/<run id>)')
    .option('--data-dir <dir>', 'ledger and plugin state (default: data_dir of the config; a backtest keeps them in its run directory)')
    .option('--seed <n>', 'seed of every random source (default: session.seed)', seedOf)
    .option('--http-port <port>', `port of the HTTP server on http.host (health, metrics, API, controls); 0 runs without it (default: ${o.httpDefault})`, portOf)
    .addOption(new Option('--output <kind>', 'auto: progress and a readable summary on a terminal, JSON logs otherwise').choices(['auto', 'text', 'json']).default('auto'));
}

/** SIGINT or SIGTERM once: graceful shutdown (cancel, bounded wait, summary). Twice: stop at once. */
function onSignals(controller: AbortController, io: SessionIo): () => void {
  let seen = 0;
  const handler = (sig: NodeJS.Signals) => {
    seen += 1;
    if (seen > 1) process.exit(130);
    io.stderr.write(`\n${sig}: stopping gracefully (open orders are canceled, the summary is written); ${sig} again stops at once\n`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** 0 done, 1 failed, 99 an emergency stop (the systemd unit does not restart on it: RestartPreventExitStatus=99). */
export function exitCodeOf(result: RunResult): number {
  if (result.reason === 'emergency') return EMERGENCY_EXIT_CODE;
  return result.reason === 'failed' ? EXIT.problems : EXIT.ok;
}

/**
 * Runs a session from flags. On a terminal (or --output text): progress on stdout (a bar for
 * backtests) and a readable summary at the end, logs at warn and above on stderr. Otherwise: JSON
 * log lines on stdout, the summary among them (event session.stopped).
 */
export async function executeSession(flags: SessionFlags, io: SessionIo, extra: Partial<RunRequest> & { bar?: boolean } = {}): Promise<number> {
  const text = flags.output === 'text' || (flags.output !== 'json' && io.stdout.isTTY === true);
  const controller = new AbortController();
  const release = onSignals(controller, io);
  const progress = !text ? undefined : (everyMs: number): ProgressSink => (extra.bar ? barProgress(io.stderr, systemClock, everyMs) : lineProgress(io.stdout, systemClock, everyMs));
  try {
    const result = await runSession({
      cwd: io.cwd, signal: controller.signal, logDestination: text ? io.stderr : io.stdout, logLevel: text ? 'warn' : 'info',
      ...(progress ? { progress } : {}),
      ...(flags.mode ? { mode: flags.mode } : {}), ...(flags.config ? { config: flags.config } : {}), ...(flags.data ? { data: flags.data } : {}),
      ...(flags.duration !== undefined ? { durationS: flags.duration } : {}), ...(flags.speed !== undefined ? { speed: flags.speed } : {}),
      ...(flags.runDir ? { runDir: flags.runDir } : {}), ...(flags.dataDir ? { dataDir: flags.dataDir } : {}), ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.allowLiveDatabase ? { allowLiveDatabase: true } : {}),
      // No server unless the command asks for one (engine run: the config's port), so npm start never collides with a running engine.
      httpPort: 0,
      ...extra,
      ...(flags.httpPort !== undefined ? { httpPort: flags.httpPort } : {}),
    });
    if (text) {
      const note = result.reason === 'already_complete' ? 'this run had already ended; its files were written again from the ledger\n' : `stopped: ${result.reason.replace(/_/g, ' ')}\n`;
      const rel = (f: string) => relative(io.cwd, f) || '.';
      io.stdout.write(`\n${note}${formatSummary(result.summary, undefined, result.files.map(rel))}  report        engine report --run-dir ${rel(result.runDir)}\n`);
    }
    return exitCodeOf(result);
  } catch (error) {
    if (error instanceof TradegateError) {
      const after = error.kind === 'config' ? 'not started: fix the problem above and run again.' : 'the session stopped on this error.';
      io.stderr.write(`${error.code}: ${error.message}\n${after}\n`);
      return error.code === 'USAGE' ? EXIT.usage : EXIT.problems;
    }
    throw error;
  } finally {
    release();
  }
}
