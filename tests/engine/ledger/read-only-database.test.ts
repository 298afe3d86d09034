// Specs of opening a ledger read-only: an existing file only, no pragma, migration or mode written, the same file guards, schemas it cannot read refused, nothing left behind.
import { copyFileSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LedgerDatabaseOptions, ledgerFileFor, } from '../../../engine/ledger/database.ts';
import { MIGRATIONS } from '../../../engine/ledger/migrations.ts';
import { OLDEST_READABLE_SCHEMA } from '../../../engine/ledger/read-only-database.ts';
import { fileDigest, ledgerContents, ledgerFiles } from '../../helpers/ledger-file-state.ts';
import { editBehindEngine, ledgerDatabaseEnv } from '../../helpers/ledger-databases.ts';

const env = ledgerDatabaseEnv('tg-ro-');
const { open } = env;
const refusal = (opts: Omit<LedgerDatabaseOptions, 'clock' | 'readOnly'>) => env.refusal({ ...opts, readOnly: true });

/** A ledger made by a read-write open (this engine's migrations unless told), then closed. */
function made(mode: LedgerDatabaseOptions['mode'], migrations = MIGRATIONS): string {
  open({ mode, dataDir: env.dir, migrations }).close();
  return ledgerFileFor(env.dir, mode);
}

describe('openLedgerDatabase with readOnly: what it refuses', () => {
  it('refuses a file that does not exist (LEDGER_NOT_FOUND, kind config) and creates neither it nor its folder', () => {
    expect(refusal({ mode: 'paper', dataDir: join(env.dir, 'nothing') })).toEqual({ code: 'LEDGER_NOT_FOUND', kind: 'config' });
    expect(existsSync(join(env.dir, 'nothing'))).toBe(false);
    expect(refusal({ mode: 'backtest' })?.code).toBe('LEDGER_NOT_FOUND');
  });

  it('refuses a file holding no ledger schema (LEDGER_NOT_FOUND), and one that is not a database (LEDGER_OPEN_FAILED)', () => {
    writeFileSync(join(env.dir, 'paper.sqlite'), '');
    expect(refusal({ mode: 'paper', dataDir: env.dir })?.code).toBe('LEDGER_NOT_FOUND');
    editBehindEngine(join(env.dir, 'dry_run.sqlite'), 'CREATE TABLE notes (text TEXT)');
    expect(refusal({ mode: 'dry_run', dataDir: env.dir })?.code).toBe('LEDGER_NOT_FOUND');
    writeFileSync(join(env.dir, 'live.sqlite'), 'this is not sqlite, just text that is long enough to have a header'.repeat(10));
    expect(refusal({ mode: 'live', dataDir: env.dir })?.code).toBe('LEDGER_OPEN_FAILED');
  });

  it('refuses a schema newer than this engine (LEDGER_SCHEMA_TOO_NEW), as a read-write open does, and leaves it as it is', () => {
    const file = made('paper');
    const engineOfTwo = MIGRATIONS.slice(0, 2);
    expect(refusal({ mode: 'paper', dataDir: env.dir, migrations: engineOfTwo })).toEqual({ code: 'LEDGER_SCHEMA_TOO_NEW', kind: 'config' });
    expect(() => open({ mode: 'paper', dataDir: env.dir, migrations: engineOfTwo })).toThrow(expect.objectContaining({ code: 'LEDGER_SCHEMA_TOO_NEW' }));
    expect(ledgerContents(file).versions).toEqual([1, 2, 3]);
  });

  it(`reads a schema older than this engine as it is from version ${OLDEST_READABLE_SCHEMA} (migration 3 only drops an index), never migrating it`, () => {
    const file = made('paper', MIGRATIONS.slice(0, 2));
    const h = open({ mode: 'paper', dataDir: env.dir, readOnly: true });
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM evidence').get()).toEqual({ n: 0 });
    h.close();
    expect(ledgerContents(file).versions).toEqual([1, 2]);
    expect(ledgerContents(file).indexes).toContain('decisions_by_instrument');
  });

  it('refuses a schema older than its readers need (LEDGER_SCHEMA_TOO_OLD), which the next read-write open then migrates', () => {
    const file = made('paper', MIGRATIONS.slice(0, OLDEST_READABLE_SCHEMA - 1));
    expect(refusal({ mode: 'paper', dataDir: env.dir })).toEqual({ code: 'LEDGER_SCHEMA_TOO_OLD', kind: 'config' });
    expect(ledgerContents(file).versions).toEqual([1]);
    made('paper');
    expect(open({ mode: 'paper', dataDir: env.dir, readOnly: true }).readOnly).toBe(true);
  });

  it('keeps other modes off the live file, its copies and its links unless allowed, as a read-write open does', () => {
    const live = made('live');
    copyFileSync(live, join(env.dir, 'copy.sqlite'));
    symlinkSync(live, join(env.dir, 'innocent.sqlite'));
    for (const mode of ['paper', 'dry_run', 'backtest'] as const) {
      expect(refusal({ mode, path: live })).toEqual({ code: 'LEDGER_LIVE_FILE_REFUSED', kind: 'config' });
    }
    expect(refusal({ mode: 'paper', path: join(env.dir, 'copy.sqlite') })?.code).toBe('LEDGER_LIVE_FILE_REFUSED');
    expect(refusal({ mode: 'paper', path: join(env.dir, 'innocent.sqlite') })?.code).toBe('LEDGER_LIVE_FILE_REFUSED');
    const allowed = open({ mode: 'dry_run', path: live, allowLiveFile: true, readOnly: true });
    expect({ mode: allowed.mode, fileMode: allowed.fileMode }).toEqual({ mode: 'dry_run', fileMode: 'live' });
  });

  it("refuses another mode's file, even renamed, and a file named live that holds another mode's books (LEDGER_MODE_MISMATCH)", () => {
    const paper = made('paper');
    expect(refusal({ mode: 'dry_run', path: paper })).toEqual({ code: 'LEDGER_MODE_MISMATCH', kind: 'config' });
    expect(refusal({ mode: 'live', path: paper })?.code).toBe('LEDGER_MODE_MISMATCH');
    copyFileSync(paper, join(env.dir, 'renamed.sqlite'));
    expect(refusal({ mode: 'dry_run', path: join(env.dir, 'renamed.sqlite') })?.code).toBe('LEDGER_MODE_MISMATCH');
    copyFileSync(paper, join(env.dir, 'live.sqlite'));
    expect(refusal({ mode: 'paper', path: join(env.dir, 'live.sqlite'), allowLiveFile: true })?.code).toBe('LEDGER_MODE_MISMATCH');
  });
});

describe('openLedgerDatabase with readOnly: what it leaves alone', () => {
  it('throws SQLITE_READONLY on every write, and the file keeps its bytes', () => {
    const file = made('paper');
    const before = fileDigest(file);
    const h = open({ mode: 'paper', dataDir: env.dir, readOnly: true });
    const refused = (sql: string) => expect(() => h.db.exec(sql)).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    refused("INSERT INTO runtime_controls (key, value_json, updated_by, updated_at_ms) VALUES ('k', '1', 't', 1)");
    refused("UPDATE ledger_meta SET value = 'live' WHERE key = 'mode'");
    refused('CREATE TABLE extra (x INTEGER)');
    refused('DROP INDEX orders_by_state');
    h.close();
    expect(fileDigest(file)).toBe(before);
  });

  it('sets no pragma: a ledger left in rollback-journal mode stays in it', () => {
    const file = made('paper');
    editBehindEngine(file, 'PRAGMA journal_mode = DELETE');
    const h = open({ mode: 'paper', dataDir: env.dir, readOnly: true });
    expect(h.db.pragma('journal_mode', { simple: true })).toBe('delete');
    h.close();
    // Bytes 18 and 19 of the header: 1 for a rollback journal, 2 for WAL.
    expect([...readFileSync(file).subarray(18, 20)]).toEqual([1, 1]);
  });

  it('records no mode: a ledger whose mode row is missing opens as the mode asked and stays without one', () => {
    const file = made('paper');
    editBehindEngine(file, "DELETE FROM ledger_meta WHERE key = 'mode'");
    const h = open({ mode: 'paper', dataDir: env.dir, readOnly: true });
    expect(h.fileMode).toBe('paper');
    h.close();
    expect(ledgerContents(file).meta['mode']).toBeUndefined();
  });

  it('leaves no -wal or -shm behind on a ledger no one else has open', () => {
    const file = made('paper');
    expect(ledgerFiles(file)).toEqual(['paper.sqlite']);
    const before = fileDigest(file);
    const h = open({ mode: 'paper', dataDir: env.dir, readOnly: true });
    h.db.prepare('SELECT COUNT(*) FROM orders').get();
    expect(ledgerFiles(file)).toEqual(['paper.sqlite', 'paper.sqlite-shm', 'paper.sqlite-wal']);
    h.close();
    expect(ledgerFiles(file)).toEqual(['paper.sqlite']);
    expect(fileDigest(file)).toBe(before);
  });

  it("reads beside a writer's open write transaction without waiting for it, sees only what is committed, and leaves the writer's -wal and -shm", () => {
    const file = made('paper');
    const writer = open({ mode: 'paper', dataDir: env.dir, synchronous: 'NORMAL' });
    const insert = writer.db.prepare("INSERT INTO runtime_controls (key, value_json, updated_by, updated_at_ms) VALUES (?, '1', 'session', 1)");
    insert.run('committed');
    writer.db.exec('BEGIN IMMEDIATE');
    insert.run('uncommitted');
    // No busy timeout: a reader that needed the write lock would fail at once with SQLITE_BUSY.
    const h = open({ mode: 'paper', dataDir: env.dir, readOnly: true, busyTimeoutMs: 0 });
    const keys = h.db.prepare('SELECT key FROM runtime_controls ORDER BY key').pluck().all();
    h.close();
    expect(keys).toEqual(['committed']);
    expect(ledgerFiles(file)).toEqual(['paper.sqlite', 'paper.sqlite-shm', 'paper.sqlite-wal']);
    writer.db.exec('COMMIT');
    writer.close();
    expect(ledgerFiles(file)).toEqual(['paper.sqlite']);
    expect(ledgerContents(file).versions).toEqual([1, 2, 3]);
  });
});
