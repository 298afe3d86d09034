// Specs of opening a ledger: one file per mode, pragmas, and the guard that keeps dry_run and paper off the live file.
import { copyFileSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WAL_AUTOCHECKPOINT_PAGES, ledgerFileFor, resolveLedgerPath } from '../../../engine/ledger/database.ts';
import { MIGRATIONS } from '../../../engine/ledger/migrations.ts';
import { editBehindEngine, ledgerDatabaseEnv } from '../../helpers/ledger-databases.ts';

const env = ledgerDatabaseEnv('tg-db-');
const { open, refusal } = env;

describe('resolveLedgerPath', () => {
  it('puts each mode in its own file under the data directory', () => {
    expect(resolveLedgerPath({ mode: 'paper', dataDir: env.dir })).toBe(join(env.dir, 'paper.sqlite'));
    expect(resolveLedgerPath({ mode: 'dry_run', dataDir: env.dir })).toBe(join(env.dir, 'dry_run.sqlite'));
    expect(resolveLedgerPath({ mode: 'live', dataDir: env.dir })).toBe(join(env.dir, 'live.sqlite'));
  });

  it('lets an explicit path win over the data directory, and runs a backtest in memory by default', () => {
    expect(resolveLedgerPath({ mode: 'paper', dataDir: env.dir, path: join(env.dir, 'x', 'p.sqlite') })).toBe(join(env.dir, 'x', 'p.sqlite'));
    expect(resolveLedgerPath({ mode: 'backtest' })).toBe(':memory:');
  });

  it('refuses a non-backtest mode with neither a data directory nor a path', () => {
    expect(() => resolveLedgerPath({ mode: 'live' })).toThrow(expect.objectContaining({ code: 'LEDGER_OPEN_FAILED' }));
  });
});

describe('openLedgerDatabase', () => {
  it('opens in WAL mode with foreign keys on and the chosen synchronous level (FULL by default)', () => {
    const full = open({ mode: 'live', dataDir: env.dir });
    expect(full.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(full.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(full.synchronous).toBe('FULL');
    const normal = open({ mode: 'paper', dataDir: env.dir, synchronous: 'NORMAL', busyTimeoutMs: 1234 });
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(normal.db.pragma('busy_timeout', { simple: true })).toBe(1234);
  });

  it('keeps savepoint journals in memory (temp_store = MEMORY), so no order creates a temp file', () => {
    expect(open({ mode: 'paper', dataDir: env.dir }).db.pragma('temp_store', { simple: true })).toBe(2);
  });

  it('checkpoints the WAL every 8,192 pages by default, or as configured, and refuses a count that is not a positive integer', () => {
    expect(open({ mode: 'paper', dataDir: env.dir }).db.pragma('wal_autocheckpoint', { simple: true })).toBe(DEFAULT_WAL_AUTOCHECKPOINT_PAGES);
    expect(open({ mode: 'live', dataDir: env.dir, walAutocheckpointPages: 500 }).db.pragma('wal_autocheckpoint', { simple: true })).toBe(500);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => open({ mode: 'dry_run', dataDir: env.dir, walAutocheckpointPages: bad })).toThrow(expect.objectContaining({ code: 'LEDGER_OPEN_FAILED' }));
    }
  });

  it('creates the data directory and one file per mode, each recording its mode', () => {
    const nested = join(env.dir, 'a', 'b');
    for (const mode of ['paper', 'dry_run', 'live'] as const) {
      const h = open({ mode, dataDir: nested });
      expect(h.fileMode).toBe(mode);
      expect(existsSync(ledgerFileFor(nested, mode))).toBe(true);
    }
  });

  it('re-opens an existing file without re-running migrations and keeps its data', () => {
    const first = open({ mode: 'paper', dataDir: env.dir });
    first.db.prepare("INSERT INTO runtime_controls (key, value_json, updated_by, updated_at_ms) VALUES ('k', '1', 't', 1)").run();
    first.close();
    const again = open({ mode: 'paper', dataDir: env.dir });
    expect(again.db.prepare('SELECT COUNT(*) AS n FROM schema_version').get()).toEqual({ n: MIGRATIONS.length });
    expect(again.db.prepare('SELECT value_json AS v FROM runtime_controls').get()).toEqual({ v: '1' });
  });

  it('keeps a paper or dry_run process off the live file: LEDGER_LIVE_FILE_REFUSED, kind config', () => {
    open({ mode: 'live', dataDir: env.dir }).close();
    const live = join(env.dir, 'live.sqlite');
    for (const mode of ['paper', 'dry_run', 'backtest'] as const) {
      expect(refusal({ mode, path: live })).toEqual({ code: 'LEDGER_LIVE_FILE_REFUSED', kind: 'config' });
    }
  });

  it('leaves no -wal or -shm beside the live file it refused (reading its recorded mode creates them)', () => {
    open({ mode: 'live', dataDir: env.dir }).close();
    expect(refusal({ mode: 'paper', path: join(env.dir, 'live.sqlite') })?.code).toBe('LEDGER_LIVE_FILE_REFUSED');
    expect(readdirSync(env.dir)).toEqual(['live.sqlite']);
  });

  it('refuses the live file before it exists, too (a dry run must never create it)', () => {
    expect(refusal({ mode: 'dry_run', path: join(env.dir, 'live.sqlite') })?.code).toBe('LEDGER_LIVE_FILE_REFUSED');
    expect(existsSync(join(env.dir, 'live.sqlite'))).toBe(false);
  });

  it('opens the live file from dry_run only with the explicit flag, and the file stays a live file', () => {
    open({ mode: 'live', dataDir: env.dir }).close();
    const h = open({ mode: 'dry_run', path: join(env.dir, 'live.sqlite'), allowLiveFile: true });
    expect(h.mode).toBe('dry_run');
    expect(h.fileMode).toBe('live');
  });

  it('marks a live file a dry_run or paper session opened with the flag: live then refuses to write to it (LEDGER_REHEARSED), readers still read it', () => {
    open({ mode: 'live', dataDir: env.dir }).close();
    open({ mode: 'dry_run', path: join(env.dir, 'live.sqlite'), allowLiveFile: true }).close();
    const refused = refusal({ mode: 'live', dataDir: env.dir });
    expect(refused).toEqual({ code: 'LEDGER_REHEARSED', kind: 'config' });
    const at = new Date(env.clock.now()).toISOString();
    expect(() => open({ mode: 'live', dataDir: env.dir })).toThrow(`holds the bookings of a dry_run session that opened it with --allow-live-database at ${at}`);
    // A second rehearsal keeps the first mark; status and reports open read-only and still read the books.
    open({ mode: 'paper', path: join(env.dir, 'live.sqlite'), allowLiveFile: true }).close();
    expect(() => open({ mode: 'live', dataDir: env.dir })).toThrow('holds the bookings of a dry_run session');
    const reader = open({ mode: 'live', dataDir: env.dir, readOnly: true });
    expect(reader.fileMode).toBe('live');
  });

  it('still refuses a live open when the rehearsal mark cannot be parsed (hand-edited, say)', () => {
    open({ mode: 'dry_run', path: join(env.dir, 'live.sqlite'), allowLiveFile: true }).close();
    editBehindEngine(join(env.dir, 'live.sqlite'), "UPDATE ledger_meta SET value = 'oops' WHERE key = 'rehearsal'");
    expect(() => open({ mode: 'live', dataDir: env.dir })).toThrow('holds the bookings of a session that opened it with --allow-live-database (its mark reads "oops")');
  });

  it('leaves the live file itself untouched when the rehearsal runs on a copy', () => {
    open({ mode: 'live', dataDir: env.dir }).close();
    copyFileSync(join(env.dir, 'live.sqlite'), join(env.dir, 'rehearsal.sqlite'));
    open({ mode: 'dry_run', path: join(env.dir, 'rehearsal.sqlite'), allowLiveFile: true }).close();
    expect(refusal({ mode: 'live', path: join(env.dir, 'rehearsal.sqlite') })?.code).toBe('LEDGER_REHEARSED');
    expect(open({ mode: 'live', dataDir: env.dir }).fileMode).toBe('live');
  });

  it('sees through a renamed copy and a symlink of the live file', () => {
    open({ mode: 'live', dataDir: env.dir }).close();
    copyFileSync(join(env.dir, 'live.sqlite'), join(env.dir, 'copy.sqlite'));
    expect(refusal({ mode: 'paper', path: join(env.dir, 'copy.sqlite') })?.code).toBe('LEDGER_LIVE_FILE_REFUSED');
    symlinkSync(join(env.dir, 'live.sqlite'), join(env.dir, 'innocent.sqlite'));
    expect(refusal({ mode: 'paper', path: join(env.dir, 'innocent.sqlite') })?.code).toBe('LEDGER_LIVE_FILE_REFUSED');
  });

  it("refuses a path that points at another mode's file: LEDGER_MODE_MISMATCH", () => {
    open({ mode: 'paper', dataDir: env.dir }).close();
    expect(refusal({ mode: 'dry_run', path: join(env.dir, 'paper.sqlite') })).toEqual({ code: 'LEDGER_MODE_MISMATCH', kind: 'config' });
    expect(refusal({ mode: 'live', path: join(env.dir, 'paper.sqlite') })?.code).toBe('LEDGER_MODE_MISMATCH');
    copyFileSync(join(env.dir, 'paper.sqlite'), join(env.dir, 'renamed.sqlite'));
    expect(refusal({ mode: 'dry_run', path: join(env.dir, 'renamed.sqlite') })?.code).toBe('LEDGER_MODE_MISMATCH');
    expect(refusal({ mode: 'live', path: join(env.dir, 'dry_run.sqlite') })?.code).toBe('LEDGER_MODE_MISMATCH');
  });

  it('runs a backtest in memory with foreign keys on', () => {
    const h = open({ mode: 'backtest' });
    expect(h.path).toBe(':memory:');
    expect(h.db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('reports a file that is not a database as LEDGER_OPEN_FAILED', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(env.dir, 'paper.sqlite'), 'this is not sqlite, just text that is long enough to have a header'.repeat(10));
    expect(refusal({ mode: 'paper', dataDir: env.dir })?.code).toBe('LEDGER_OPEN_FAILED');
  });
});
