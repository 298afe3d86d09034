// A child process writing to a ledger as a running session does: an order's write transaction held open, or deposit after deposit, until stdin says go on.
import { readSync } from 'node:fs';
import { systemClock } from '../../engine/clock.ts';
import { openLedger } from '../../engine/ledger/ledger.ts';
import { MIGRATIONS } from '../../engine/ledger/migrations.ts';
import type { Mode } from '../../engine/types.ts';

const [dataDir, mode, how, known] = process.argv.slice(2) as [string, Mode, 'hold' | 'stream', string | undefined];
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ ...line, pid: process.pid })}\n`);
// An engine that knows fewer migrations: an older engine's session.
const migrations = known === undefined ? MIGRATIONS : MIGRATIONS.slice(0, Number(known));
const ledger = openLedger({ dataDir, mode, clock: systemClock, synchronous: 'NORMAL', migrations });

function hold(): void {
  ledger.db.prepare('BEGIN IMMEDIATE').run();
  ledger.orders.insertPending({ clientOrderId: 'held-1', intentKey: 'held-1', venue: 'paper', instrument: 'BTC-USD', side: 'buy', orderType: 'limit', qty: 1, limitPrice: 100, strategy: 'canary', runId: null });
  say({ holding: true });
  // Blocking: the write transaction stays open, with its lock, until the parent writes a byte.
  readSync(0, Buffer.alloc(1), 0, 1, null);
  ledger.db.prepare('COMMIT').run();
  ledger.close();
  say({ committed: 1 });
}

/** Stops on a byte from the parent, on the parent going away (end of stdin), or after 30 s whatever happens. */
const STREAM_LIMIT_MS = 30_000;

function stream(): void {
  let commits = 0;
  let stop = false;
  const halt = () => {
    stop = true;
  };
  process.stdin.once('data', halt).once('end', halt);
  setTimeout(halt, STREAM_LIMIT_MS).unref();
  const next = () => {
    if (stop) {
      ledger.close();
      say({ commits });
      process.stdin.destroy();
      return;
    }
    try {
      ledger.deposit(1, `stream-${commits}`);
    } catch (error) {
      say({ error: (error as Error).message, code: (error as { code?: string }).code ?? null, commits });
      process.exit(1);
    }
    commits += 1;
    if (commits === 1) say({ writing: true });
    setImmediate(next);
  };
  next();
}

if (how === 'hold') hold();
else stream();
