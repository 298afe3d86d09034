// Specs of the -wal and -shm a read-only connection leaves: named after the real file, removed only when no other connection has the file open.
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missingSidecars, removeLeftovers } from '../../../engine/ledger/sidecars.ts';
import { fileDigest } from '../../helpers/ledger-file-state.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-sidecars-'));
  file = join(dir, 'paper.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)');
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Opens `path` read-only, reads a row and closes: what leaves the -wal and -shm. */
function readOnce(path: string): void {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.prepare('SELECT x FROM t').get();
  db.close();
}

describe('missingSidecars', () => {
  it('names the -wal and -shm not there yet, beside the file a link points to', () => {
    symlinkSync(file, join(dir, 'link.sqlite'));
    expect(missingSidecars(join(dir, 'link.sqlite'))).toEqual([`${file}-wal`, `${file}-shm`]);
    readOnce(join(dir, 'link.sqlite'));
    expect(readdirSync(dir).sort()).toEqual(['link.sqlite', 'paper.sqlite', 'paper.sqlite-shm', 'paper.sqlite-wal']);
    expect(missingSidecars(file)).toEqual([]);
  });
});

describe('removeLeftovers', () => {
  it('removes what a read-only connection left on a file no one has open, and keeps its bytes', () => {
    const created = missingSidecars(file);
    const digest = fileDigest(file);
    readOnce(file);
    removeLeftovers(file, created);
    expect(readdirSync(dir)).toEqual(['paper.sqlite']);
    expect(fileDigest(file)).toBe(digest);
  });

  it('removes nothing while another connection has the file open, and that connection writes on', () => {
    const created = missingSidecars(file);
    readOnce(file);
    const writer = new Database(file);
    try {
      writer.prepare('INSERT INTO t VALUES (2)').run();
      removeLeftovers(file, created);
      expect(readdirSync(dir).sort()).toEqual(['paper.sqlite', 'paper.sqlite-shm', 'paper.sqlite-wal']);
      writer.prepare('INSERT INTO t VALUES (3)').run();
      expect(writer.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3 });
    } finally {
      writer.close();
    }
  });

  it('leaves alone files it did not create', () => {
    readOnce(file);
    removeLeftovers(file, []);
    expect(readdirSync(dir).sort()).toEqual(['paper.sqlite', 'paper.sqlite-shm', 'paper.sqlite-wal']);
  });
});
