// What a command that only reads must leave as it found it: the ledger's files beside it, its bytes, schema versions, ledger_meta and indexes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import Database from 'better-sqlite3';

/** The ledger file and its -wal, -shm or -journal, by name, as they are now. */
export function ledgerFiles(path: string): string[] {
  return readdirSync(dirname(path))
    .filter((name) => name.startsWith(basename(path)))
    .sort();
}

export function fileDigest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export interface LedgerContents {
  readonly versions: readonly number[];
  readonly meta: Readonly<Record<string, string>>;
  readonly indexes: readonly string[];
}

/**
 * Read on a connection of its own that runs only SELECTs. Able to write, it removes the -wal and -shm when it is
 * the last connection to close, as a session does: look at ledgerFiles first.
 */
export function ledgerContents(path: string): LedgerContents {
  const db = new Database(path, { fileMustExist: true });
  try {
    const versions = db.prepare<[], { version: number }>('SELECT version FROM schema_version ORDER BY version').all().map((r) => r.version);
    const meta = Object.fromEntries(db.prepare<[], { key: string; value: string }>('SELECT key, value FROM ledger_meta ORDER BY key').all().map((r) => [r.key, r.value]));
    const indexes = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all().map((r) => r.name);
    return { versions, meta, indexes };
  } finally {
    db.close();
  }
}
