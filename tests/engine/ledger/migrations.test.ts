// Specs of the migration runner: fresh databases, idempotent re-opens, the version table, rollback and refusal of newer schemas.
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../engine/clock.ts';
import type { TradegateError } from '../../../engine/errors.ts';
import { appliedMigrations, MIGRATIONS, type Migration, migrate, schemaVersion } from '../../../engine/ledger/migrations.ts';
import { memoryDatabases } from '../../helpers/ledger-databases.ts';

const clock = new ManualClock(1_700_000_000_000);
const memory = memoryDatabases();

const tables = (db: Database.Database): string[] =>
  db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);

describe('migrate', () => {
  it('numbers the shipped migrations 1..n with no gap', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('brings a fresh database to the latest version and records each migration with its time', () => {
    const db = memory();
    expect(migrate(db, clock)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(appliedMigrations(db)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, appliedAtMs: clock.now() })));
    expect(tables(db)).toEqual(
      expect.arrayContaining(['orders', 'order_events', 'fills', 'lots', 'positions', 'cash_movements', 'equity_snapshots',
        'breaker_state', 'locks', 'runtime_controls', 'decisions', 'runs', 'schema_version']),
    );
  });

  it('applies nothing on a second run (idempotent re-open)', () => {
    const db = memory();
    migrate(db, clock);
    expect(migrate(db, clock)).toEqual([]);
    expect(appliedMigrations(db)).toHaveLength(MIGRATIONS.length);
  });

  it('applies only the migrations a database does not have yet', () => {
    const db = memory();
    const first: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' }];
    const both: Migration[] = [...first, { version: 2, name: 'two', sql: 'CREATE TABLE b (y INTEGER)' }];
    expect(migrate(db, clock, first)).toEqual([1]);
    expect(migrate(db, clock, both)).toEqual([2]);
    expect(tables(db)).toEqual(expect.arrayContaining(['a', 'b']));
  });

  it('rolls a failing migration back completely and reports LEDGER_MIGRATION_FAILED', () => {
    const db = memory();
    const bad: Migration[] = [
      { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (y INTEGER); CREATE TABLE a (x INTEGER)' },
    ];
    const err = (() => {
      try {
        migrate(db, clock, bad);
      } catch (e) {
        return e as TradegateError;
      }
    })();
    expect(err?.code).toBe('LEDGER_MIGRATION_FAILED');
    expect(err?.kind).toBe('halt');
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('b');
  });

  it('refuses a database written by a newer engine with LEDGER_SCHEMA_TOO_NEW', () => {
    const db = memory();
    migrate(db, clock, [
      { version: 1, name: 'one', sql: 'SELECT 1' },
      { version: 2, name: 'two', sql: 'SELECT 1' },
    ]);
    expect(() => migrate(db, clock, [{ version: 1, name: 'one', sql: 'SELECT 1' }])).toThrow(
      expect.objectContaining({ code: 'LEDGER_SCHEMA_TOO_NEW', kind: 'config' }),
    );
  });

  it('refuses a migration list with a gap or out of order', () => {
    const db = memory();
    expect(() => migrate(db, clock, [{ version: 2, name: 'two', sql: 'SELECT 1' }])).toThrow(
      expect.objectContaining({ code: 'LEDGER_MIGRATION_FAILED' }),
    );
  });
});
