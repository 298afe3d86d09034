// Runs the real `engine` CLI in a child process (node + tsx, as `npm start` does), reading its JSON log lines as they come.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { ROOT } from './session-env.ts';

export const MAIN = join(ROOT, 'engine', 'cli', 'main.ts');
/** tsx's loader by its file URL: `--import tsx` would resolve from the child's working folder, a temporary one. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `engine <args>` to the end. */
export function engine(cwd: string, args: readonly string[]): Promise<Finished> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      done({ code, signal: (err as { signal?: NodeJS.Signals } | null)?.signal ?? null, stdout, stderr });
    });
  });
}

export interface Running {
  readonly child: ChildProcess;
  /** Resolves with the first JSON log record for which `accept` is true (rejects if the process ends first). */
  waitFor(accept: (record: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly finished: Promise<Finished>;
}

/** Starts `engine <args>` and lets the test act on its log lines (a kill after an order, a signal mid-run); `env` adds variables. */
export function startEngine(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Running {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters: { accept: (r: Record<string, unknown>) => boolean; resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  let stdout = '';
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout += `${line}\n`;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    for (const w of [...waiters]) {
      if (!w.accept(record)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(record);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`the engine ended (code ${code}, signal ${signal}) before the awaited line; stderr: ${stderr}`));
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    finished,
    waitFor: (accept) => new Promise((resolve, reject) => void waiters.push({ accept, resolve, reject })),
  };
}
