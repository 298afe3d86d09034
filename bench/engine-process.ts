// A real `engine` process for benchmarks: started with node + tsx, its JSON log lines awaited with a bound, stopped with a signal.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../engine/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export type LogRecord = Readonly<Record<string, unknown>>;

/** When the engine wrote the line (its pino `time`, wall clock ms): what latency is measured to, free of pipe delays. */
export function loggedAtMs(record: LogRecord): number {
  return Date.parse(String(record['time']));
}

export interface EngineProcess {
  readonly child: ChildProcess;
  /** The first line from now on for which `accept` is true; rejects after `timeoutMs` or when the engine ends. */
  next(accept: (r: LogRecord) => boolean, timeoutMs: number): Promise<LogRecord>;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

export function startEngine(cwd: string, args: readonly string[], env: Readonly<Record<string, string>>): EngineProcess {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters = new Set<{ accept: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void; reject: (e: Error) => void }>();
  let err = '';
  const tail: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 5) tail.shift();
    if (!line.startsWith('{')) return;
    const record = JSON.parse(line) as LogRecord;
    for (const w of [...waiters]) {
      if (!w.accept(record)) continue;
      waiters.delete(w);
      w.resolve(record);
    }
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      for (const w of waiters) w.reject(new Error(`the engine ended (code ${code}) before the awaited line; stderr: ${err.slice(-2000)}; last lines: ${tail.join('\n')}`));
      waiters.clear();
      resolve(code);
    });
  });
  return {
    child,
    exited,
    stderr: () => err,
    next(accept, timeoutMs) {
      return new Promise((resolve, reject) => {
        const waiter = {
          accept,
          resolve: (r: LogRecord) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject,
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no awaited line within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}

/** Runs `engine <args>` to its end; resolves with its exit code and output. */
export function runEngine(cwd: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** A loopback port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
