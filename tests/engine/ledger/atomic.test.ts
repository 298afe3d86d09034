// Specs of the transaction runner: all or nothing at every level, a joined block that failed can never be committed half done, and deferred units commit with the next one.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomically, deferCommit, flushDeferred, hasDeferred, joinTransaction, readConsistently } from '../../../engine/ledger/atomic.ts';
import { TradegateError } from '../../../engine/errors.ts';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  db.exec('CREATE TABLE t (v TEXT NOT NULL)');
});
afterEach(() => db.close());

const put = (v: string) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
const rows = () => db.prepare<[], { v: string }>('SELECT v FROM t ORDER BY rowid').all().map((r) => r.v);
const boom = new Error('boom');
/** Writes a row, then fails: half of a posting. */
const putThenFail = (v: string): never => {
  put(v);
  throw boom;
};

describe('atomically', () => {
  it('commits what it wrote, and writes nothing when it throws', () => {
    atomically(db, () => put('a'));
    expect(() => atomically(db, () => putThenFail('b'))).toThrow(boom);
    expect(rows()).toEqual(['a']);
    expect(db.inTransaction).toBe(false);
  });

  it('nests as a savepoint: a caught inner failure undoes only the inner writes', () => {
    atomically(db, () => {
      put('outer');
      try {
        atomically(db, () => putThenFail('inner'));
      } catch {
        put('after');
      }
    });
    expect(rows()).toEqual(['outer', 'after']);
  });
});

describe('joinTransaction', () => {
  it('begins its own transaction when none is open', () => {
    expect(() => joinTransaction(db, () => putThenFail('x'))).toThrow(boom);
    joinTransaction(db, () => put('y'));
    expect(rows()).toEqual(['y']);
    expect(db.inTransaction).toBe(false);
  });

  it('joins the open transaction: its writes commit with the caller', () => {
    atomically(db, () => {
      put('a');
      joinTransaction(db, () => put('b'));
    });
    expect(rows()).toEqual(['a', 'b']);
  });

  it('makes the open transaction roll back entirely when a caller catches its error and goes on', () => {
    expect(() =>
      atomically(db, () => {
        put('a');
        try {
          joinTransaction(db, () => putThenFail('half'));
        } catch {
          put('carried on');
        }
      }),
    ).toThrow(boom);
    expect(rows()).toEqual([]);
    // The next transaction is not affected by the one that was refused.
    atomically(db, () => put('next'));
    expect(rows()).toEqual(['next']);
  });

  it('keeps the outer level broken even when a later savepoint inside it commits', () => {
    expect(() =>
      atomically(db, () => {
        try {
          joinTransaction(db, () => putThenFail('half'));
        } catch {
          atomically(db, () => put('savepoint'));
        }
      }),
    ).toThrow(boom);
    expect(rows()).toEqual([]);
  });

  it('is undone with the savepoint it ran in, so an outer level that catches that may still commit', () => {
    atomically(db, () => {
      put('outer');
      try {
        atomically(db, () => joinTransaction(db, () => putThenFail('joined')));
      } catch {
        put('handled');
      }
    });
    expect(rows()).toEqual(['outer', 'handled']);
  });

  it('uses a savepoint inside a transaction begun elsewhere, which it cannot mark', () => {
    db.exec('BEGIN');
    put('a');
    try {
      joinTransaction(db, () => putThenFail('half'));
    } catch {
      put('b');
    }
    db.exec('COMMIT');
    expect(rows()).toEqual(['a', 'b']);
  });
});

describe('atomically across processes', () => {
  it('takes the write lock at BEGIN, so a writer on another connection waits instead of breaking a read-then-write transaction', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-atomic-'));
    const file = join(dir, 'ledger.sqlite');
    const a = new Database(file);
    const b = new Database(file, { timeout: 0 });
    try {
      a.pragma('journal_mode = WAL');
      a.exec('CREATE TABLE t (v TEXT NOT NULL)');
      let otherWriter: unknown;
      atomically(a, () => {
        a.prepare('SELECT count(*) AS n FROM t').get();
        try {
          b.prepare('INSERT INTO t (v) VALUES (?)').run('other process');
        } catch (error) {
          otherWriter = error;
        }
        // Under a deferred BEGIN the other writer's commit would make this write fail with SQLITE_BUSY_SNAPSHOT.
        a.prepare('INSERT INTO t (v) VALUES (?)').run('ours');
      });
      expect((otherWriter as { code?: string } | undefined)?.code).toBe('SQLITE_BUSY');
      expect(a.prepare<[], { v: string }>('SELECT v FROM t').all().map((r) => r.v)).toEqual(['ours']);
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A WAL file with a second connection: what the second one reads is what a crash right now would leave. */
function twoConnections(): { a: Database.Database; other: () => string[]; close: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tg-atomic-'));
  const file = join(dir, 'ledger.sqlite');
  const a = new Database(file);
  a.pragma('journal_mode = WAL');
  a.exec('CREATE TABLE t (v TEXT NOT NULL)');
  const b = new Database(file, { readonly: true });
  return {
    a,
    other: () => b.prepare<[], { v: string }>('SELECT v FROM t ORDER BY rowid').all().map((r) => r.v),
    close: () => {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('deferCommit', () => {
  it('leaves its writes uncommitted but visible on its own connection until the group commits', () => {
    const c = twoConnections();
    try {
      deferCommit(c.a, () => c.a.prepare('INSERT INTO t (v) VALUES (?)').run('ack'));
      expect(hasDeferred(c.a)).toBe(true);
      expect(c.a.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
      expect(c.other()).toEqual([]);
      flushDeferred(c.a);
      expect(hasDeferred(c.a)).toBe(false);
      expect(c.other()).toEqual(['ack']);
    } finally {
      c.close();
    }
  });

  it('commits with the next ordinary transaction, both or neither', () => {
    const c = twoConnections();
    try {
      deferCommit(c.a, () => c.a.prepare('INSERT INTO t (v) VALUES (?)').run('fill of order 1'));
      atomically(c.a, () => c.a.prepare('INSERT INTO t (v) VALUES (?)').run('pending order 2'));
      expect(hasDeferred(c.a)).toBe(false);
      expect(c.a.inTransaction).toBe(false);
      expect(c.other()).toEqual(['fill of order 1', 'pending order 2']);
    } finally {
      c.close();
    }
  });

  it('commits with a top-level joinTransaction too, as any ordinary write would', () => {
    const c = twoConnections();
    try {
      deferCommit(c.a, () => c.a.prepare('INSERT INTO t (v) VALUES (?)').run('deferred'));
      joinTransaction(c.a, () => c.a.prepare('INSERT INTO t (v) VALUES (?)').run('state change'));
      expect(c.other()).toEqual(['deferred', 'state change']);
    } finally {
      c.close();
    }
  });

  it('undoes only a failed unit: earlier deferred writes stay and commit later', () => {
    deferCommit(db, () => put('first ack'));
    expect(() => deferCommit(db, () => putThenFail('half a fill'))).toThrow(boom);
    expect(hasDeferred(db)).toBe(true);
    flushDeferred(db);
    expect(rows()).toEqual(['first ack']);
  });

  it('rolls back a unit that opened the group and failed, leaving no group open', () => {
    expect(() => deferCommit(db, () => putThenFail('half an ack'))).toThrow(boom);
    expect(hasDeferred(db)).toBe(false);
    expect(db.inTransaction).toBe(false);
    expect(rows()).toEqual([]);
  });

  it('rolls back a unit whose joined block failed even though the unit caught the error', () => {
    expect(() =>
      deferCommit(db, () => {
        put('ack');
        try {
          joinTransaction(db, () => putThenFail('half a fill'));
        } catch {
          put('carried on');
        }
      }),
    ).toThrow(boom);
    expect(db.inTransaction).toBe(false);
    expect(rows()).toEqual([]);
  });

  it('keeps the deferred writes when the ordinary unit that carries them fails, and still commits them', () => {
    deferCommit(db, () => put('ack'));
    expect(() => atomically(db, () => putThenFail('pending'))).toThrow(boom);
    expect(db.inTransaction).toBe(false);
    expect(rows()).toEqual(['ack']);
  });

  it('takes a lone statement run outside any unit into the open group, committing it with the group', () => {
    const c = twoConnections();
    try {
      deferCommit(c.a, () => c.a.prepare('INSERT INTO t (v) VALUES (?)').run('ack'));
      c.a.prepare('INSERT INTO t (v) VALUES (?)').run('lone write');
      expect(c.other()).toEqual([]);
      flushDeferred(c.a);
      expect(c.other()).toEqual(['ack', 'lone write']);
    } finally {
      c.close();
    }
  });

  it('joins an open unit instead of opening a group inside it', () => {
    atomically(db, () => {
      put('unit');
      deferCommit(db, () => put('joined'));
      expect(hasDeferred(db)).toBe(false);
    });
    expect(db.inTransaction).toBe(false);
    expect(rows()).toEqual(['unit', 'joined']);
  });

  it('does not commit from inside a unit when asked to flush: the group commits after the unit', () => {
    deferCommit(db, () => put('ack'));
    atomically(db, () => {
      flushDeferred(db);
      expect(db.inTransaction).toBe(true);
      put('pending');
    });
    expect(db.inTransaction).toBe(false);
    expect(rows()).toEqual(['ack', 'pending']);
  });

  it('turns a failed group commit into a halt error and leaves nothing open', () => {
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
    db.pragma('foreign_keys = ON');
    deferCommit(db, () => db.prepare('INSERT INTO child (p) VALUES (42)').run());
    let error: unknown;
    try {
      flushDeferred(db);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TradegateError);
    expect((error as TradegateError).code).toBe('LEDGER_COMMIT_FAILED');
    expect((error as TradegateError).kind).toBe('halt');
    expect(db.inTransaction).toBe(false);
    expect(hasDeferred(db)).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM child').get()).toEqual({ n: 0 });
  });
});

describe('readConsistently', () => {
  it('reads inside the open group without committing it', () => {
    deferCommit(db, () => put('ack'));
    expect(readConsistently(db, () => rows())).toEqual(['ack']);
    expect(hasDeferred(db)).toBe(true);
  });

  it('reads in a transaction of its own when none is open', () => {
    let inside = false;
    readConsistently(db, () => {
      inside = db.inTransaction;
    });
    expect(inside).toBe(true);
    expect(db.inTransaction).toBe(false);
  });

  it('takes no write lock: a writer on another connection goes on while it reads, unseen by the snapshot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-atomic-'));
    const a = new Database(join(dir, 'ledger.sqlite'));
    const b = new Database(join(dir, 'ledger.sqlite'), { timeout: 0 });
    try {
      a.pragma('journal_mode = WAL');
      a.exec("CREATE TABLE t (v TEXT NOT NULL); INSERT INTO t (v) VALUES ('before')");
      const count = () => a.prepare<[], { n: number }>('SELECT count(*) AS n FROM t').get()!.n;
      const seen = readConsistently(a, () => {
        const first = count();
        b.prepare('INSERT INTO t (v) VALUES (?)').run('other process');
        return [first, count()];
      });
      expect(seen).toEqual([1, 1]);
      expect(count()).toBe(2);
    } finally {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
