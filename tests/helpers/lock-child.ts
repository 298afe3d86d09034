// A child process for lock tests: takes the instance lock, reports on stdout as JSON, and holds it until killed or stdin closes.
import { acquireInstanceLock } from '../../engine/runtime/instance-lock.ts';
import { TradegateError } from '../../engine/errors.ts';
import type { Mode } from '../../engine/types.ts';

const [dataDir, mode] = process.argv.slice(2) as [string, Mode];
try {
  const lock = acquireInstanceLock(dataDir, mode, { command: 'lock-child' });
  process.stdout.write(`${JSON.stringify({ locked: true, pid: process.pid, holder: lock.holder })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    lock.release();
    process.exit(0);
  });
} catch (error) {
  const e = error as TradegateError;
  process.stdout.write(`${JSON.stringify({ locked: false, code: e instanceof TradegateError ? e.code : null, message: e.message, details: e.details ?? null })}\n`);
  process.exit(1);
}
