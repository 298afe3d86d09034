// Transactions on one connection: begun once per call, savepoints when nested, joined on hot postings, and a group commit for what the venue already told us.
import type Database from 'better-sqlite3';
import { TradegateError } from '../errors.ts';

interface Runner {
  readonly run: (fn: () => unknown) => unknown;
  /** A deferred (read) transaction: one snapshot of the books without taking the write lock. */
  readonly read: (fn: () => unknown) => unknown;
  /** Transaction and savepoint levels of this runner open right now (0: none, or one begun elsewhere). */
  depth: number;
  /** Per level, the first error a joined block threw in it: that level may no longer commit. */
  readonly broken: Map<number, { readonly error: unknown }>;
  /** A group of deferred units is open (begun by deferCommit, not by a unit of its own). */
  group: boolean;
  /** The group commit that failed: the process acted on writes the disk lost, so nothing more is written. */
  failed: TradegateError | null;
  readonly begin: Database.Statement;
  readonly commit: Database.Statement;
  readonly rollback: Database.Statement;
}

const RUNNERS = new WeakMap<Database.Database, Runner>();

function runnerOf(db: Database.Database): Runner {
  const existing = RUNNERS.get(db);
  if (existing !== undefined) return existing;
  const runner: Runner = {
    depth: 0,
    broken: new Map(),
    group: false,
    failed: null,
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    // BEGIN IMMEDIATE: a deferred transaction that reads, then writes, fails at once with SQLITE_BUSY
    // when another process (engine kill, engine breaker) commits in between; busy_timeout cannot help
    // it. Taking the write lock at BEGIN makes such writers queue behind the busy timeout instead.
    // Thrown out of the wrapper, an error rolls the level back (to its savepoint, or entirely).
    run: db.transaction((work: () => unknown) => asLevel(runner, work)).immediate,
    read: db.transaction((work: () => unknown) => work()).deferred,
  };
  RUNNERS.set(db, runner);
  return runner;
}

/** Runs `work` as the next level of `runner`; `onFailure` undoes its writes when nothing else will. */
function asLevel<T>(runner: Runner, work: () => T, onFailure?: () => void): T {
  const level = ++runner.depth;
  try {
    const result = work();
    // A joined block of this level failed and someone caught it: its half-done writes must not commit.
    const broken = runner.broken.get(level);
    if (broken !== undefined) throw broken.error;
    return result;
  } catch (error) {
    runner.broken.delete(level);
    onFailure?.();
    throw error;
  } finally {
    runner.depth -= 1;
  }
}

/**
 * Runs `fn` in a transaction, or in a savepoint of the one already open: better-sqlite3's own
 * semantics, through its own wrapper. db.transaction() builds four wrapper functions on every call,
 * a measurable cost when every order posts through several, so the wrapper is built once per
 * connection and the work passed to it as an argument. With a group of deferred units open, `fn`
 * runs in a savepoint of it and the whole group commits after it: the deferred writes ride along.
 */
export function atomically<T>(db: Database.Database, fn: () => T): T {
  const runner = runnerOf(db);
  if (!runner.group || runner.depth > 0) return runner.run(fn) as T;
  try {
    return runner.run(fn) as T;
  } finally {
    commitGroup(runner);
  }
}

/**
 * Runs `fn` in its own transaction when none is open, else as part of the open one, without a
 * savepoint: a savepoint makes SQLite copy aside every page first touched under it, on each level,
 * and an order's postings nest four deep. All or nothing still holds: an error thrown here marks
 * the enclosing level broken, so even if a caller catches it, that level rolls back (the caught
 * error is thrown again at its end) instead of committing half a posting. Inside a transaction
 * begun elsewhere (not through this module) there is no level to mark: a savepoint it is.
 */
export function joinTransaction<T>(db: Database.Database, fn: () => T): T {
  const runner = writable(db);
  if (!db.inTransaction || runner.depth === 0) return atomically(db, fn);
  try {
    return fn();
  } catch (error) {
    if (!runner.broken.has(runner.depth)) runner.broken.set(runner.depth, { error });
    throw error;
  }
}

/**
 * Runs `fn` as one all-or-nothing unit (a savepoint) of a group that stays open after it: the group
 * commits with the next unit run through atomically() or joinTransaction(), or at flushDeferred(),
 * whichever comes first. Only for writes that record what a venue already said (an acknowledgement,
 * its fills and their postings): if the process dies before the group commits, they are lost
 * exactly as if it had died while the venue's answer was on the wire, and the startup
 * reconciliation learns them again from the venue. Nothing is lost that the venue does not hold,
 * and since every unit commits with or after the group, the ledger never holds a later unit (the
 * next order's pending_submit, say) without the deferred writes its decision was made on.
 * Inside an open unit `fn` simply joins it. A lone statement run outside any unit while the group is
 * open joins the group too (SQLite does not autocommit inside an open transaction): it commits with
 * the group, so a write whose durability matters on its own goes through atomically().
 */
export function deferCommit<T>(db: Database.Database, fn: () => T): T {
  const runner = writable(db);
  if (runner.depth > 0) return joinTransaction(db, fn);
  if (db.inTransaction) return runner.run(fn) as T;
  runner.begin.run();
  runner.group = true;
  return firstUnit(runner, fn);
}

/**
 * The unit that opened the group is all the group holds, so it needs no savepoint (whose copies of
 * every page it first touches are the dearest part of a small unit): if it fails, the whole group
 * rolls back, which is exactly that unit.
 */
function firstUnit<T>(runner: Runner, fn: () => T): T {
  return asLevel(runner, fn, () => {
    runner.group = false;
    runner.rollback.run();
  });
}

/** True while deferred units wait for their commit. */
export function hasDeferred(db: Database.Database): boolean {
  return runnerOf(db).group;
}

/** Commits the open group of deferred units, if any (no-op inside a unit: the group commits after it). */
export function flushDeferred(db: Database.Database): void {
  const runner = writable(db);
  if (runner.depth === 0) commitGroup(runner);
}

/**
 * Reads `fn` from one consistent snapshot of the books: inside the open transaction or group when
 * there is one (which holds the write lock, so nothing moves under it), else in a read transaction
 * of its own, which takes no write lock: `fn` must only read. Never commits a group: reading the
 * books is not a reason to make them durable.
 */
export function readConsistently<T>(db: Database.Database, fn: () => T): T {
  if (db.inTransaction) return fn();
  return runnerOf(db).read(fn) as T;
}

/** The failed group commit that stops every later write on this connection, or null. */
export function commitFailure(db: Database.Database): TradegateError | null {
  return runnerOf(db).failed;
}

/**
 * The runner, unless a group commit failed on it: wherever that failure surfaced (an end-of-turn
 * flush, or the next order's own transaction carrying the group), the books on disk lack writes the
 * process already acted on, so every later posting (joined, deferred, flushed) is refused with that
 * error until a restart reconciles from the venue. atomically() itself still commits: the breaker
 * and the runtime controls write through it, and tripping the breaker is what such a failure calls
 * for; the Ledger refuses its own transaction() the same way (engine/ledger/ledger.ts).
 */
function writable(db: Database.Database): Runner {
  const runner = runnerOf(db);
  if (runner.failed !== null) throw runner.failed;
  return runner;
}

function commitGroup(runner: Runner): void {
  if (!runner.group) return;
  runner.group = false;
  try {
    runner.commit.run();
  } catch (error) {
    // What was deferred is gone, while the process acted on it: the books in memory and on disk differ.
    try {
      runner.rollback.run();
    } catch {
      // COMMIT may have rolled back already; nothing is open either way.
    }
    runner.failed = new TradegateError('LEDGER_COMMIT_FAILED', `the ledger could not commit deferred writes: ${(error as Error).message}`, {
      sqlite: (error as { code?: string }).code ?? null,
    });
    throw runner.failed;
  }
}
