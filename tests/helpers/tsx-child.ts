// Starts a TypeScript file of the repository in a child process (node + tsx) and reads its JSON lines as they come.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './session-env.ts';

/** tsx's loader by its file URL, so the child resolves it whatever its working folder. */
export const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface TsxChild {
  readonly child: ChildProcess;
  /** The next JSON line the child prints (rejects if it exits first). */
  nextLine(): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal) once the child has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function startTsx(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): TsxChild {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, file), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiting: ((line: Record<string, unknown> | null) => void)[] = [];
  let err = '';
  let ended = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const w = waiting.shift();
    if (w) w(parsed);
    else lines.push(parsed);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      for (const w of waiting.splice(0)) w(null);
      resolve({ code, signal });
    });
  });
  return {
    child,
    exited,
    stderr: () => err,
    nextLine: () =>
      new Promise((resolve, reject) => {
        const ready = lines.shift();
        if (ready) return resolve(ready);
        if (ended) return reject(new Error(`child exited before printing a line; stderr: ${err}`));
        waiting.push((line) => (line ? resolve(line) : reject(new Error(`child exited before printing a line; stderr: ${err}`))));
      }),
  };
}
