// Reads an operator file as UTF-8 text behind guards: size cap before reading, no half-saved read, no binary, no invalid UTF-8.
import { open, stat } from 'node:fs/promises';
import type { Problem } from '../errors.ts';
import { ROOT_POINTER } from './json-pointer.ts';

/** Operator files are hand-written: anything over 1 MiB is a mistake or an attack, refused unread. */
export const MAX_OPERATOR_FILE_BYTES = 1024 * 1024;

export type TextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: Problem };

function fileProblem(file: string, code: Problem['code'], message: string): TextResult {
  return { ok: false, problem: { code, file, line: 1, col: 1, pointer: ROOT_POINTER, message } };
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a folder, not a file';
  return e.code ?? e.message ?? String(err);
}

/** What the file system says about one version of a file: any save between two stamps changes at least one field. */
export interface FileStamp {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  isFile(): boolean;
}

/** An open file, as a guarded read uses it (a subset of node:fs/promises FileHandle). */
export interface ReadHandle {
  stat(): Promise<FileStamp>;
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** The file system calls of a guarded read; tests substitute them to land a save in the middle of a read. */
export interface TextFileIo {
  open(path: string): Promise<ReadHandle>;
  /** Follows symlinks, as open does, so a symlink swapped to another file is a change of identity. */
  stat(path: string): Promise<FileStamp>;
}

export const nodeFileIo: TextFileIo = {
  async open(path) {
    const handle = await open(path, 'r');
    return {
      stat: () => handle.stat({ bigint: true }),
      read: (buffer, offset, length) => handle.read(buffer, offset, length, null),
      close: () => handle.close(),
    };
  },
  stat: (path) => stat(path, { bigint: true }),
};

type Bounded = Buffer | 'too-large' | 'not-a-file' | 'changed';

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Reads at most `limit + 1` bytes, so a file that grows after stat (or lies about its size) is still caught.
 * An in-place save (truncate, then write) read half-way can be a shorter file that is still valid YAML, or the
 * start of one version glued to the end of the next: 'changed' when the handle's stamp moved during the read or
 * the path now names another file (renamed over, deleted). The byte count is not held to the size: /proc files
 * report 0, and a save that changes the bytes changes the size or the times anyway.
 */
async function readBounded(path: string, limit: number, io: TextFileIo): Promise<Bounded> {
  // Opened once and checked through the handle: no window between the size check and the read.
  const handle = await io.open(path);
  try {
    const before = await handle.stat();
    if (!before.isFile()) return 'not-a-file';
    if (before.size > BigInt(limit)) return 'too-large';
    let buffer = Buffer.alloc(Number(before.size) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) return 'too-large';
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, limit + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    const after = await handle.stat();
    if (!sameStamp(before, after)) return 'changed';
    const named = await io.stat(path).catch(() => undefined);
    if (!named || !sameStamp(after, named)) return 'changed';
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** Bytes to text, or the reason they are not operator-file text. */
export function decodeText(bytes: Uint8Array, file: string): TextResult {
  if (bytes.includes(0)) return fileProblem(file, 'FILE_NOT_TEXT', 'the file holds NUL bytes: it is binary (or UTF-16), not UTF-8 text');
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return fileProblem(file, 'FILE_NOT_TEXT', 'the file is not valid UTF-8 text');
  }
}

/**
 * Reads `path` as UTF-8 text; every failure is a Problem located at 1:1 of the file. A read that a save
 * overlapped is FILE_CHANGED_WHILE_READ (kind retry), never text: the caller reads again once the save is done.
 */
export async function readTextFile(path: string, limit = MAX_OPERATOR_FILE_BYTES, io: TextFileIo = nodeFileIo): Promise<TextResult> {
  let bytes: Bounded;
  try {
    bytes = await readBounded(path, limit, io);
  } catch (err) {
    return fileProblem(path, 'FILE_UNREADABLE', `cannot read the file: ${describeError(err)}`);
  }
  if (bytes === 'changed') return fileProblem(path, 'FILE_CHANGED_WHILE_READ', 'the file changed while it was read (a save in progress); it is read again once the save is done');
  if (bytes === 'not-a-file') return fileProblem(path, 'FILE_UNREADABLE', 'cannot read the file: it is not a regular file');
  if (bytes === 'too-large') {
    const mib = (limit / (1024 * 1024)).toFixed(limit % (1024 * 1024) === 0 ? 0 : 2);
    return fileProblem(path, 'FILE_TOO_LARGE', `the file is larger than ${mib} MiB (${limit} bytes), the most an operator file may hold`);
  }
  return decodeText(bytes, path);
}
