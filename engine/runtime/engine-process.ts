// The `engine` command line in a child process, as an operator runs it: its JSON log lines as they come, its exit, a signal to it.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** engine/cli/bin.js: registers tsx and runs the CLI, exactly what `engine` (deploy/engine, npm's bin) runs. */
export const ENGINE_BIN = resolve(import.meta.dirname, '..', 'cli', 'bin.js');

export interface LogLine {
  readonly record: Readonly<Record<string, unknown>>;
  /** Wall time (epoch ms) the line reached this process. */
  readonly receivedAtMs: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly atMs: number;
}

export interface EngineProcess {
  readonly pid: number | undefined;
  /** Every JSON line so far, oldest first. */
  readonly lines: readonly LogLine[];
  /** Resolves with the first line (seen already or to come) `accept` takes; null if the process ends or `timeoutMs` passes first. */
  waitFor(accept: (record: Readonly<Record<string, unknown>>) => boolean, timeoutMs: number): Promise<LogLine | null>;
  readonly exited: Promise<Exit>;
  /** The process has ended. */
  done(): boolean;
  kill(signal: NodeJS.Signals): void;
  stderr(): string;
}

/** The wall time a log line carries (pino's `time`, ISO or epoch ms), else when it arrived. */
export function lineTimeMs(line: LogLine): number {
  const t = line.record['time'];
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : Number.NaN;
  return Number.isFinite(ms) ? ms : line.receivedAtMs;
}

interface Waiter {
  readonly accept: (r: Readonly<Record<string, unknown>>) => boolean;
  readonly resolve: (l: LogLine | null) => void;
  readonly timer: NodeJS.Timeout;
}

/** Starts `engine <args>` in `cwd` with the same Node, stdout read as JSON lines, stderr kept for the report. */
export function startEngineProcess(args: readonly string[], cwd: string, now: () => number = Date.now, env: NodeJS.ProcessEnv = process.env): EngineProcess {
  const child: ChildProcess = spawn(process.execPath, [ENGINE_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1' } });
  const lines: LogLine[] = [];
  let waiters: Waiter[] = [];
  let err = '';
  let ended = false;
  const settle = (w: Waiter, line: LogLine | null) => {
    clearTimeout(w.timer);
    waiters = waiters.filter((x) => x !== w);
    w.resolve(line);
  };
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (record === null || typeof record !== 'object') return;
    const line = { record, receivedAtMs: now() };
    lines.push(line);
    for (const w of [...waiters]) if (w.accept(record)) settle(w, line);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    // Enough to explain a failure; a runaway child cannot fill memory.
    if (err.length < 64 * 1024) err += chunk.toString();
  });
  const exited = new Promise<Exit>((done) => {
    child.on('error', (error) => {
      err += `${error.message}\n`;
    });
    child.on('close', (code, signal) => {
      ended = true;
      for (const w of [...waiters]) settle(w, null);
      done({ code, signal, atMs: now() });
    });
  });
  return {
    pid: child.pid,
    lines,
    exited,
    done: () => ended,
    stderr: () => err,
    kill: (signal) => {
      if (!ended) child.kill(signal);
    },
    waitFor(accept, timeoutMs) {
      const seen = lines.find((l) => accept(l.record));
      if (seen) return Promise.resolve(seen);
      if (ended) return Promise.resolve(null);
      return new Promise((resolvePromise) => {
        const w: Waiter = { accept, resolve: resolvePromise, timer: setTimeout(() => settle(w, null), timeoutMs) };
        waiters.push(w);
      });
    },
  };
}

/** Runs `engine <args>` to its end (bounded), with its stdout whole. */
export async function runEngineCommand(args: readonly string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [ENGINE_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done) => {
    child.on('error', (error) => {
      stderr += `${error.message}\n`;
    });
    child.on('close', (c) => done(c));
  });
  clearTimeout(timer);
  return { code, stdout, stderr };
}
