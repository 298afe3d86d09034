// Transactions on one connection: begun once per call, savepoints when nested, or joined (no savepoint) on hot postings.
import type Database from 'better-sqlite3';

interface Runner {
  readonly run: (fn: () => unknown) => unknown;
  /** Transaction and savepoint levels of this runner open right now (0: none, or one begun elsewhere). */
  depth: number;
  /** Per level, the first error a joined block threw in it: that level may no longer commit. */
  readonly broken: Map<number, { readonly error: unknown }>;
}

const RUNNERS = new WeakMap<Database.Database, Runner>();

function runnerOf(db: Database.Database): Runner {
  const existing = RUNNERS.get(db);
  if (existing !== undefined) return existing;
  const runner: Runner = {
    depth: 0,
    broken: new Map(),
    // BEGIN IMMEDIATE: a deferred transaction that reads, then writes, fails at once with SQLITE_BUSY
    // when another process (engine kill, engine breaker) commits in between; busy_timeout cannot help
    // it. Taking the write lock at BEGIN makes such writers queue behind the busy timeout instead.
    run: db.transaction((work: () => unknown) => {
      const level = ++runner.depth;
      try {
        const result = work();
        // A joined block of this level failed and someone caught it: its half-done writes must not commit.
        const broken = runner.broken.get(level);
        if (broken !== undefined) throw broken.error;
        return result;
      } catch (error) {
        // This level rolls back (to its savepoint, or entirely), taking the joined block's writes with it.
        runner.broken.delete(level);
        throw error;
      } finally {
        runner.depth -= 1;
      }
    }).immediate,
  };
  RUNNERS.set(db, runner);
  return runner;
}

/**
 * Runs `fn` in a transaction, or in a savepoint of the one already open: better-sqlite3's own
 * semantics, through its own wrapper. db.transaction() builds four wrapper functions on every call,
 * a measurable cost when every order posts through several, so the wrapper is built once per
 * connection and the work passed to it as an argument.
 */
export function atomically<T>(db: Database.Database, fn: () => T): T {
  return runnerOf(db).run(fn) as T;
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
  const runner = runnerOf(db);
  if (!db.inTransaction || runner.depth === 0) return runner.run(fn) as T;
  try {
    return fn();
  } catch (error) {
    if (!runner.broken.has(runner.depth)) runner.broken.set(runner.depth, { error });
    throw error;
  }
}
