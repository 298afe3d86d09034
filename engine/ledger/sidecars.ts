// The -wal and -shm files a read-only connection creates beside a WAL ledger that no one has open, and their removal the way SQLite's last connection removes them.
import { existsSync, realpathSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The -wal and -shm of the database at `path` that do not exist yet (SQLite names them after the file a link points to). */
export function missingSidecars(path: string): string[] {
  const real = realpathSync(path);
  return [`${real}-wal`, `${real}-shm`].filter((file) => !existsSync(file));
}

/**
 * A read-only connection to a WAL database creates its -wal and -shm files when none exist (no
 * session has it open) and, unable to checkpoint, leaves them when it closes. SQLite removes them
 * only when the last connection that may write closes, after taking an exclusive lock on the file,
 * which fails while any other connection has it open. So a connection that reads one page and
 * closes removes what the read-only one left, and nothing while a session is running: it runs no
 * statement that writes, and its closing checkpoint has nothing to copy unless a session came and
 * went meanwhile (then it copies that session's commits, as that session's own close would have).
 * Best effort: leftovers are harmless, the next connection takes them over.
 */
export function removeLeftovers(path: string, created: readonly string[]): void {
  if (!created.some((file) => existsSync(file))) return;
  try {
    const db = new Database(path, { fileMustExist: true, timeout: 0 });
    try {
      db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    } finally {
      db.close();
    }
  } catch {
    // A busy or vanished file keeps its -wal and -shm; whoever opens it next takes them over.
  }
}
