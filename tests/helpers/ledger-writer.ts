// A running session's writes to a ledger, in another process: a write transaction held open, or commits one after another, while a test reads beside them.
import type { Mode } from '../../engine/types.ts';
import { startTsx } from './tsx-child.ts';

export interface LedgerWriter {
  readonly pid: number;
  /** Lets the writer finish (commit what it holds, or stop writing) and close; resolves with its last line and exit code. */
  finish(): Promise<{ readonly line: Record<string, unknown>; readonly code: number | null }>;
  /** Ends the writer at once if it still runs (after a failed test). */
  kill(): void;
}

/**
 * Starts a writer on `<dataDir>/<mode>.sqlite` and returns once it holds a write transaction (`hold`) or has
 * committed its first deposit (`stream`). `migrations`: how many the writer's engine knows (an older engine's session).
 */
export async function startLedgerWriter(dataDir: string, mode: Mode, how: 'hold' | 'stream', migrations?: number): Promise<LedgerWriter> {
  const child = startTsx('tests/helpers/ledger-writer-child.ts', [dataDir, mode, how, ...(migrations === undefined ? [] : [String(migrations)])]);
  const { pid } = (await child.nextLine()) as { pid: number };
  return {
    pid,
    async finish() {
      child.child.stdin!.end('go');
      const line = await child.nextLine();
      return { line, code: (await child.exited).code };
    },
    kill() {
      if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill();
    },
  };
}
