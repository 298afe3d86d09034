// Specs of the file guard: whose a ledger file is, by name, by link and by the mode recorded inside it.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { guardPath, recordedMode, storedMode } from '../../../engine/ledger/file-guard.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tg-guard-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite file recording `mode` in ledger_meta, as the ledger does. */
function fileOf(name: string, mode: string | null): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.exec('CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  if (mode !== null) db.prepare("INSERT INTO ledger_meta (key, value) VALUES ('mode', ?)").run(mode);
  db.close();
  return path;
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return undefined;
};

describe('recordedMode and storedMode', () => {
  it('read the mode a file records, and none from a file without ledger_meta, a row or a known mode', () => {
    expect(storedMode(fileOf('a.sqlite', 'paper'))).toBe('paper');
    expect(storedMode(fileOf('b.sqlite', null))).toBeUndefined();
    expect(storedMode(fileOf('c.sqlite', 'moon'))).toBeUndefined();
    expect(storedMode(join(dir, 'missing.sqlite'))).toBeUndefined();
    const other = new Database(':memory:');
    expect(recordedMode(other)).toBeUndefined();
    other.close();
  });
});

describe('guardPath', () => {
  it('refuses the live file to other modes by its name, by the mode inside it, or as the data directory\'s live.sqlite under another name', () => {
    expect(codeOf(() => guardPath(join(dir, 'live.sqlite'), { mode: 'paper' }, undefined))).toBe('LEDGER_LIVE_FILE_REFUSED');
    expect(codeOf(() => guardPath(join(dir, 'books.sqlite'), { mode: 'dry_run' }, 'live'))).toBe('LEDGER_LIVE_FILE_REFUSED');
    const live = fileOf('live.sqlite', null);
    symlinkSync(live, join(dir, 'innocent'));
    expect(codeOf(() => guardPath(join(dir, 'innocent'), { mode: 'backtest', dataDir: dir }, undefined))).toBe('LEDGER_LIVE_FILE_REFUSED');
  });

  it('lets another mode open the live file only when allowed, answering that the file is live', () => {
    expect(guardPath(join(dir, 'live.sqlite'), { mode: 'dry_run', allowLiveFile: true }, 'live')).toBe('live');
    expect(guardPath(join(dir, 'live.sqlite'), { mode: 'live' }, 'live')).toBe('live');
  });

  it("refuses another mode's file by its recorded mode first, else by its name, and accepts a new file of its own", () => {
    expect(codeOf(() => guardPath(join(dir, 'paper.sqlite'), { mode: 'dry_run' }, undefined))).toBe('LEDGER_MODE_MISMATCH');
    expect(codeOf(() => guardPath(join(dir, 'dry_run.sqlite'), { mode: 'dry_run' }, 'paper'))).toBe('LEDGER_MODE_MISMATCH');
    expect(codeOf(() => guardPath(join(dir, 'paper.sqlite'), { mode: 'live' }, undefined))).toBe('LEDGER_MODE_MISMATCH');
    expect(guardPath(join(dir, 'paper.sqlite'), { mode: 'paper' }, undefined)).toBe('paper');
    expect(guardPath(join(dir, 'anything.sqlite'), { mode: 'backtest' }, undefined)).toBe('backtest');
  });
});
