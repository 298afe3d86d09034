// Specs of the transaction runner: all or nothing at every level, and a joined block that failed can never be committed half done.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomically, joinTransaction } from '../../../engine/ledger/atomic.ts';

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
