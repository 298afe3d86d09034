// Writers of the paper venue's state file for tests: a save held midway in another, running process, and the pid of a process that has ended.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { startTsx } from './tsx-child.ts';

/** The pid of a process that ran and has been reaped: kill(pid, 0) answers ESRCH until the pid is reused. */
export function endedPid(): number {
  const { pid, status } = spawnSync(process.execPath, ['-e', '']);
  if (status !== 0) throw new Error(`a trivial node process exited ${status}`);
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    throw err;
  }
  throw new Error(`pid ${pid} was reused at once; run the test again`);
}

export interface HeldSave {
  readonly pid: number;
  /** The temp file the held save wrote, by its full path. */
  readonly temp: string;
  /** Lets the save go on to its rename; resolves with what the child said and its exit code. */
  finish(): Promise<{ readonly line: Record<string, unknown>; readonly code: number | null }>;
}

/** Starts a save of `text` to `path` in a child process and returns once its temp file exists and it waits to rename it. */
export async function holdSave(path: string, text: string): Promise<HeldSave> {
  const child = startTsx('tests/helpers/paper-save-child.ts', [path, text]);
  const { pid } = (await child.nextLine()) as { pid: number };
  const temp = readdirSync(dirname(path)).find((n) => n.startsWith(`${basename(path)}.tmp-${pid}-`));
  if (!temp) {
    child.child.kill();
    throw new Error(`the held save of pid ${pid} has no temp file in ${dirname(path)}`);
  }
  return {
    pid,
    temp: join(dirname(path), temp),
    async finish() {
      child.child.stdin!.end('go');
      const line = await child.nextLine();
      return { line, code: (await child.exited).code };
    },
  };
}
